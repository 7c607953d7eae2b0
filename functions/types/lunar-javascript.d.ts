/**
 * The part of lunar-javascript (MIT, https://github.com/6tail/lunar-javascript; no type definitions of its own) the
 * provisional calendar uses: lunar dates to solar dates, and the solar terms of a lunar year.
 */
declare module 'lunar-javascript' {
  interface Solar {
    toYmd(): string;
  }
  interface Lunar {
    getSolar(): Solar;
    /** The day `days` after (negative: before) this one. */
    next(days: number): Lunar;
    /** The solar terms around this lunar year, by name in the library's language (清明 in its default, Chinese). */
    getJieQiTable(): Record<string, Solar>;
  }
  const lunar: {
    Lunar: { fromYmd(year: number, month: number, day: number): Lunar };
    I18n: { getMessage(key: string): string };
  };
  export default lunar;
}
