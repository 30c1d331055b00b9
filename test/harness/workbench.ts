/**
 * A real workbench in Chromium for UI tests, and the few gestures they need, done the way a person
 * would: keyboard shortcuts, the quick input, the visible editor text.
 */
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { forwardConsole, launchBrowser } from './browser';
import { eventually } from './eventually';
import { keepForDebugging, startCodeServer, type CodeServerOptions } from './codeServer';

export interface Workbench {
  readonly page: Page;
  /** Absolute path of the opened workspace folder. */
  readonly workspace: string;
  /** Closes the browser and stops code-server; safe to call twice. */
  close(): Promise<void>;
}

const WORKBENCH_TIMEOUT_MS = 60_000;
// Generous: the first Quick Open waits for extension activation, and CI machines may be busy.
const STEP_TIMEOUT_MS = 30_000;
const PALETTE_ATTEMPT_MS = 5_000;
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor';

/**
 * Starts code-server with the extension under development loaded from the repository root, opens
 * it in Chromium and waits for the workbench. The page console is echoed to stdout.
 */
export async function openWorkbench(options: CodeServerOptions = {}): Promise<Workbench> {
  const server = await startCodeServer(options);
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    if (!keepForDebugging) {
      await context?.close();
    }
    await server.stop();
  };
  try {
    const session = await launchBrowser(server.runDir);
    context = session.context;
    forwardConsole(session.page, (line) => console.log(`    [page] ${line}`));
    // On a busy machine the workbench's scripts take longer to load than goto's default 30 s.
    await session.page.goto(server.workbenchUrl(), { timeout: WORKBENCH_TIMEOUT_MS });
    await waitForWorkbench(session.page);
    return { page: session.page, workspace: server.workspace, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Resolves once the workbench has rendered its editor area and status bar. */
export async function waitForWorkbench(page: Page, timeoutMs = WORKBENCH_TIMEOUT_MS): Promise<void> {
  await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Waits until the workbench has taken in the extension's contributions, which a person sees as the
 * loom's icon in the activity bar. The editor can show a file before that (seen under load), and a
 * loom key pressed then is bound to nothing, so it is lost rather than queued.
 */
export async function waitForLoomContributions(page: Page, timeoutMs = WORKBENCH_TIMEOUT_MS): Promise<void> {
  await page.locator('.part.activitybar [aria-label^="Prefill Loom"]').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its palette title (with category, e.g. "View: Toggle Word Wrap"). Commands of
 * an extension that is still activating may be missing from a palette opened too early, so the
 * palette is reopened until the title shows up.
 */
export async function runCommand(page: Page, title: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const row = page.locator(`${QUICK_INPUT} .monaco-list-row`, { has: page.locator('.label-name', { hasText: exactly(title) }) });
  for (;;) {
    await page.keyboard.press('F1');
    await page.locator(QUICK_INPUT_BOX).fill(`>${title}`);
    const found = await row.first().waitFor({ state: 'visible', timeout: PALETTE_ATTEMPT_MS }).then(() => true, () => false);
    if (found) {
      await row.first().click();
      await paletteClosed(page, `>${title}`);
      return;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) {
      throw new Error(`command "${title}" not found in the command palette`);
    }
  }
}

/**
 * Runs a command by its palette title with the keyboard only: F1, the title typed, Enter on the
 * row the palette highlights (it must be the command's own).
 */
export async function runCommandByKeyboard(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator(QUICK_INPUT_BOX).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.type(title);
  await page
    .locator(`${QUICK_INPUT} .monaco-list-row.focused .label-name`, { hasText: exactly(title) })
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await paletteClosed(page, `>${title}`);
}

/**
 * Resolves once the palette that held `typed` is gone: the quick input hidden, or showing the
 * command's own question (a quick pick reuses the widget, so it never hides in between).
 */
async function paletteClosed(page: Page, typed: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  const input = page.locator(QUICK_INPUT_BOX);
  await eventually(async () => !(await widget.isVisible()) || (await input.inputValue().catch(() => '')) !== typed, 'the command palette to close', STEP_TIMEOUT_MS, 50);
}

/** Opens a workspace file by its relative path through Quick Open and waits for its tab. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator(QUICK_INPUT_BOX).fill(relativePath);
  const name = relativePath.split('/').pop() ?? relativePath;
  await page
    .locator(`${QUICK_INPUT} .monaco-list-row`, { has: page.locator('.label-name', { hasText: exactly(name) }) })
    .first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page
    .locator('.editor-group-container.active .tab.active', { has: page.locator('.label-name', { hasText: exactly(name) }) })
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  // Keys pressed before the editor takes focus would go to the closing quick input.
  await page.locator(`${ACTIVE_EDITOR}.focused`).waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** Opens a workspace file and puts the cursor at its end, where a continuation goes. */
export async function openAtEnd(page: Page, relativePath: string): Promise<void> {
  await openFile(page, relativePath);
  await page.keyboard.press('Control+End');
}

/** Types `text` key by key at the cursor of the active editor, as a person would. */
export async function typeInEditor(page: Page, text: string): Promise<void> {
  // Focusing the input element, unlike a click, keeps the cursor where it is.
  await page.locator(`${ACTIVE_EDITOR} :is(textarea.inputarea, .native-edit-context)`).first().focus();
  await page.keyboard.type(text);
}

/**
 * The text the active editor shows, one line per rendered line in top-to-bottom order (a wrapped
 * line spans several; lines scrolled out of view are missing). Monaco renders spaces as
 * non-breaking ones and does not keep its line elements in document order. `editor` selects another
 * editor than the active group's (with a webview focused beside it, the active group is the webview's).
 */
export async function readEditorText(page: Page, editor = ACTIVE_EDITOR): Promise<string> {
  const lines = await page
    .locator(`${editor} .view-lines .view-line`)
    .evaluateAll((elements) => elements.map((el) => ({ top: parseFloat(el.style.top), text: el.innerText })));
  return lines
    .sort((a, b) => a.top - b.top)
    .map((line) => line.text.replace(/\u00a0/g, ' '))
    .join('\n');
}

/** The content frame of the active extension webview. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
