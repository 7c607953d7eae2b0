/**
 * Handlers stay thin (issue 14; docs/ARCHITECTURE: a handler parses the event, calls one use-case, maps the result):
 * every file in functions/handlers/ is under 60 lines, counted as `wc -l` counts them (newlines). Routes, pages,
 * request mapping and business steps belong in functions/http/, functions/web/ and functions/use-cases/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HANDLERS = fileURLToPath(new URL('../../functions/handlers/', import.meta.url));
const MAX_LINES = 59;

const lineCount = (file: string) => (readFileSync(`${HANDLERS}${file}`, 'utf8').match(/\n/g) ?? []).length;
const handlers = readdirSync(HANDLERS).filter((file) => file.endsWith('.ts'));

describe('handlers stay under 60 lines', () => {
  it('finds the handlers', () => {
    expect(handlers).toContain('ops-api.ts');
    expect(handlers.length).toBeGreaterThan(15);
  });

  it('every handler is under 60 lines', () => {
    const tooLong = handlers.map((file) => ({ file, lines: lineCount(file) }));
    expect(tooLong.filter(({ lines }) => lines > MAX_LINES)).toEqual([]);
  });
});
