/**
 * What the end-to-end tests share: the real server as a child process (random port, temporary data
 * directory, the built dashboard), Debian's Chromium through playwright-core, pixel checks of
 * canvases and images, and screenshots for the README.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../../../..');
const dist = resolve(here, '../../dist');

export interface Harness {
  base: string;
  dataDir: string;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  stop(): Promise<void>;
}

async function startServer(dataDir: string): Promise<{ server: ChildProcess; base: string }> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, XAI_PORT: '0', XAI_DATA_DIR: dataDir, XAI_DASHBOARD_DIR: dist, XAI_LOG: 'warn', XAI_RATE_LIMIT: '0', XAI_CONCURRENCY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const base = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${log}`)), 90_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.on('exit', (code) => fail(new Error(`server exited with ${code}:\n${log}`)));
  });
  return { server, base };
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(dist, 'index.html'))) throw new Error('build the dashboard first (npm test runs vite build)');
  const dataDir = mkdtempSync(join(tmpdir(), 'xai-dashboard-e2e-'));
  const { server, base } = await startServer(dataDir);
  // autoplay without a gesture: the audio test starts playback from script
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return {
    base,
    dataDir,
    browser,
    page,
    consoleErrors,
    async stop() {
      await browser.close();
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Distinct colours of a canvas or a loaded image (more than a handful: not blank), and a digest of its pixels. */
export function pixels(page: Page, selector: string): Promise<{ width: number; colours: number; digest: number }> {
  return page.$eval(selector, (el) => {
    let canvas: HTMLCanvasElement;
    if (el instanceof HTMLCanvasElement) canvas = el;
    else {
      const image = el as HTMLImageElement;
      canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      canvas.getContext('2d')!.drawImage(image, 0, 0);
    }
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    let digest = 0;
    for (let i = 0; i < data.length; i += 4) {
      const c = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      seen.add(c);
      digest = (digest * 31 + c + data[i + 3]!) >>> 0;
    }
    return { width: canvas.width, colours: seen.size, digest };
  });
}

/** Waits until a canvas has been drawn (more than one colour). */
export async function waitForDrawn(page: Page, selector: string, timeout = 60_000): Promise<void> {
  await page.waitForSelector(selector, { timeout });
  await page.waitForFunction(
    (sel) => {
      const canvas = document.querySelector(sel) as HTMLCanvasElement | null;
      if (!canvas || canvas.width === 0) return false;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 4; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return true;
      return false;
    },
    selector,
    { timeout },
  );
}

/** How far the page is wider than the window (0: no horizontal scrolling). */
export const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

const SHOTS = process.env.XAI_SCREENSHOTS === '1' ? join(root, 'docs', 'images') : null;

/**
 * With XAI_SCREENSHOTS=1, screenshots at 1280 px (and 390 px with `narrow`) into
 * docs/images/dashboard-<name>[-390].png for the README: of the element `selector`, else the whole
 * page. Without the variable nothing is written, so a test run never changes the repository.
 */
export async function screenshot(page: Page, name: string, options: { narrow?: boolean; selector?: string } = {}): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const take = (path: string) => (options.selector ? page.locator(options.selector).first().screenshot({ path }) : page.screenshot({ path, fullPage: true }));
  await take(join(SHOTS, `dashboard-${name}.png`));
  if (options.narrow) {
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300); // let the layout settle before the picture (not an assertion)
    await take(join(SHOTS, `dashboard-${name}-390.png`));
    await page.setViewportSize(size);
  }
}
