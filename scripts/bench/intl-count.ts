/**
 * How many Intl date and number formatters `work` builds: both constructors are swapped for counting proxies while it
 * runs (a construct trap, so `new` works as before), then put back. Used by scripts/bench/notice-render.ts and the
 * notice formatter tests.
 */
export function countIntlFormattersBuilt(work: () => void): number {
  const originals = { DateTimeFormat: Intl.DateTimeFormat, NumberFormat: Intl.NumberFormat };
  let built = 0;
  const counting = <T extends object>(target: T): T =>
    new Proxy(target, {
      construct(constructor, args) {
        built += 1;
        return Reflect.construct(constructor as never, args);
      },
    });
  Object.assign(Intl, { DateTimeFormat: counting(originals.DateTimeFormat), NumberFormat: counting(originals.NumberFormat) });
  try {
    work();
  } finally {
    Object.assign(Intl, originals);
  }
  return built;
}
