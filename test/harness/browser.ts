/** Launches Debian's Chromium through playwright-core and echoes the workbench console. */
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_TIMEOUT_MS = 60_000;

/** Flags that keep Chromium from reaching the network on its own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Opens one page in a fresh profile under runDir. */
export async function launchBrowser(runDir: string): Promise<BrowserSession> {
  const context = await chromium.launchPersistentContext(path.join(runDir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * Forwards console messages to `sink` as plain text. The workbench logs, and relays the extension
 * host's output, as `console.log('%c INFO', css, format, ...args)`: the CSS only adds noise here.
 */
export function forwardConsole(page: Page, sink: (line: string) => void): void {
  page.on('console', (msg) => {
    void consoleText(msg).then((text) => {
      const prefix = msg.type() === 'log' || msg.type() === 'info' ? '' : `[${msg.type()}] `;
      sink(prefix + text);
    });
  });
  page.on('pageerror', (err) => sink(`[pageerror] ${err.message}`));
}

async function consoleText(msg: ConsoleMessage): Promise<string> {
  const values = await Promise.all(msg.args().map((arg) => arg.jsonValue().catch(() => String(arg))));
  const [first, , ...rest] = values;
  if (typeof first !== 'string' || !first.startsWith('%c')) {
    return values.length > 0 ? format(...values) : msg.text();
  }
  const level = first.slice(2).trim();
  return (level === 'INFO' ? '' : `${level} `) + format(...rest);
}
