import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (no browser download), as the survey tests use it. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = () => existsSync(CHROMIUM);

/** A fresh browser profile (its own cookies), in English unless asked otherwise; `close` removes the profile. */
export async function openBrowser(opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'aftersales-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale: opts.locale ?? 'en-US',
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in to the console as an operator would locally: open /console, be sent to the sign-in page, type the operator's
 * token, press "Sign in", and land on the review queue.
 */
export async function signInToConsole(page: Page, apiUrl: string, token: string): Promise<void> {
  await page.goto(`${apiUrl}/console`);
  await page.getByLabel('Operator token').fill(token);
  await Promise.all([page.waitForURL(`${apiUrl}/console`), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.getByRole('navigation').waitFor();
}

// A 96x64 PNG, a beige box with a dark dent: a real image for the browser to decode and show as the customer's photo.
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAAoklEQVR42u3ZsQ2AMAxFQY/DEAzGEEzCJIyVFgkEBU4R56Q3wTVRvuM8dr0UCAABAgQIECBAgAQIECBAgAABAqRhgbZ1uQbo2eXevECfNL2ZooxOJ6OopNPDKIrppBsBGhDop06uESBAxYBSdBKNAAECBAiQVwwQIH8xQPYgi+JUi6JN2lXDXcxlVYAAAQIECBAgQIAECBAgQIAAAQIkQIDyatObscKf/ivsAAAAAElFTkSuQmCC',
  'base64',
);

/** Where the order platform would keep evidence photos: a local server with one photo, at `<url>/dent.png`. */
export async function startPhotoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/dent.png')) res.writeHead(200, { 'content-type': 'image/png' }).end(PHOTO);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
