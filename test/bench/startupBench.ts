/**
 * Start-up as a person sees it: a window with a loom document and the loom tree beside it is
 * reloaded, and the clock runs until the tree's rows are visible (and, before that, until the view
 * says it is loading). Baseline: the same window with the extension disabled (no development path),
 * reloaded until the same document's text is visible, the point a window without Prefill Loom reaches.
 */
import type { Page } from 'playwright-core';
import { eventually } from '../harness/eventually';
import { openAtEnd, readEditorText, runCommand, waitForWorkbench, webviewFrame } from '../harness/workbench';
import { E2E_KEY, openLoomWorkbench } from '../e2e/loomWorkbench';
import { spread, type Spread } from './stats';

export interface StartupResult {
  readonly runs: number;
  /** Reload to the first loom tree row visible. */
  readonly treeVisible: Spread;
  /** Reload to the view's "Loading loom…" (or its tree, if that came first). */
  readonly placeholderVisible: Spread;
  /** Extension disabled: reload to the document's text visible. */
  readonly baseline: Spread;
}

const DOCUMENT = 'The old lighthouse keeper';
const TIMEOUT_MS = 120_000;

export async function benchStartup(runs: number): Promise<StartupResult> {
  const loom = await openLoomWorkbench({ files: { 'story.md': DOCUMENT }, env: { ANTHROPIC_API_KEY: E2E_KEY }, settings: { 'prefillLoom.maxTotalTokens': 30, 'prefillLoom.maxTokens': 30 } });
  try {
    const { page } = loom.workbench;
    await openAtEnd(page, 'story.md');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(async () => (await readEditorText(page)).length > DOCUMENT.length + 20, 'the generation', TIMEOUT_MS);
    await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
    await webviewFrame(page).locator('.row').first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    // Let the tree file and the workbench's layout be saved, so every reload restores the same window.
    await page.waitForTimeout(3000);
    const tree: number[] = [];
    const placeholder: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = Date.now();
      await page.reload();
      const loading = webviewFrame(page).locator('.empty:has-text("Loading loom…"), .row').first();
      await loading.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
      placeholder.push(Date.now() - started);
      await webviewFrame(page).locator('.row').first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
      tree.push(Date.now() - started);
      await page.waitForTimeout(2000);
    }
    await page.goto(withoutExtension(page.url()));
    await waitForWorkbench(page);
    const baseline: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = Date.now();
      await page.reload();
      await documentTextVisible(page);
      baseline.push(Date.now() - started);
      await page.waitForTimeout(2000);
    }
    return { runs, treeVisible: spread(tree), placeholderVisible: spread(placeholder), baseline: spread(baseline) };
  } finally {
    await loom.close();
  }
}

async function documentTextVisible(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines', { hasText: 'lighthouse' }).first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
}

/** The workbench URL without the extension under development: VS Code as it is without Prefill Loom. */
function withoutExtension(url: string): string {
  const parsed = new URL(url);
  const payload = JSON.parse(parsed.searchParams.get('payload') ?? '[]') as [string, string][];
  parsed.searchParams.set('payload', JSON.stringify(payload.filter(([key]) => key !== 'extensionDevelopmentPath')));
  return parsed.toString();
}
