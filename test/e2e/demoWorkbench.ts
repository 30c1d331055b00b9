import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startDemo, type Demo } from '../../scripts/demoServer';
import { launchBrowser } from '../harness/browser';
import { eventually } from '../harness/eventually';
import { E2E_KEY } from './loomWorkbench';

/** The offline demo (simulated models and code-server) and a browser for it, as a person meets them. */
export interface DemoSession {
  demo: Demo;
  context: BrowserContext;
  page: Page;
}

/**
 * For a mocha suite over the demo: starts it on a fresh workspace and a browser before the suite,
 * stops both after. Returns the suite's session (set by `before`); the page has not opened the demo yet.
 */
export function demoForSuite(prefix: string): () => DemoSession {
  let workspace = '';
  let session: Partial<DemoSession> = {};
  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const demo = await startDemo({ workspace, port: 0, apiKey: E2E_KEY });
    session = { demo, ...(await launchBrowser(demo.codeServer.runDir)) };
  });
  after(async () => {
    await session.context?.close();
    await session.demo?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  return () => session as DemoSession;
}

/** The first frame (of any webview) holding `selector`. */
export async function frameWith(page: Page, selector: string, what: string, timeoutMs?: number): Promise<Frame> {
  let found: Frame | undefined;
  await eventually(
    async () => {
      for (const frame of page.frames()) {
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) found = frame;
      }
      return found !== undefined;
    },
    what,
    timeoutMs,
  );
  return found!;
}
