import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import type { PrefillLoomApi } from '../../src/extension';
import type { LoomViewSource } from '../../src/webviews/loomViewSource';
import type { FoundView, TreeDelta, TreeSnapshot, ViewIntent } from '../../src/webviews/webviewProtocol';
import { eventually } from '../harness/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import type { Responder } from '../server/responder';

export const TEST_KEY = 'sk-ant-integration-key';

/**
 * Starts the wire-compatible server in the extension host and points the extension at it; the
 * story responder answers unless another is given (e.g. the simulator's).
 */
export async function startServerForExtension(responder?: Responder): Promise<FakeAnthropic> {
  const server = await startFakeAnthropic({ apiKey: TEST_KEY, responder });
  process.env.ANTHROPIC_API_KEY = TEST_KEY;
  await setSetting('baseUrl', server.url);
  await vscode.extensions.getExtension('prefill-loom.prefill-loom')?.activate();
  return server;
}

/** The extension's API, activating it if needed. */
export async function loomApi(): Promise<PrefillLoomApi> {
  return (await vscode.extensions.getExtension<PrefillLoomApi>('prefill-loom.prefill-loom')!.activate()) as PrefillLoomApi;
}

/**
 * Checks the promise of the fault matrix after a generation into `editor`: the document is exactly
 * `expected`, holds no replacement character and no half of a surrogate pair, and its loom holds the
 * document's text as the current path, and a path ending in the generation's node that holds every
 * character received.
 */
export async function assertNothingLost(editor: vscode.TextEditor, expected: string, outcome: GenerationOutcome | undefined): Promise<void> {
  const text = editor.document.getText();
  assert.equal(text, expected);
  assert.ok(!text.includes('\ufffd'), 'no U+FFFD in the document');
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text), 'no half of a surrogate pair in the document');
  const session = (await loomApi()).sessions.get(editor.document);
  assert.ok(session, 'the document has a loom');
  await eventually(() => session.tree.textOf(session.currentId) === session.body(), 'the tree to hold the document', 5000, 10);
  if (outcome && outcome.text.length > 0) {
    // A later hand edit inside the generated text splits its node; the tail keeps the generation.
    const node = [...session.tree.preorder()].find((n) => n.author === 'model' && n.generation?.status === outcome.status && session.tree.textOf(n.id).endsWith(outcome.text));
    assert.ok(node, `a ${outcome.status} model node holding the ${outcome.text.length} characters received`);
  }
}

export async function setSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('prefillLoom').update(name, value, vscode.ConfigurationTarget.Global);
}

let documentCount = 0;

/**
 * Opens a fresh untitled document with the text and puts the cursor at `cursor` (default: the end).
 * Each gets a name of its own: a reused "Untitled-1" can hand back the closed document's object.
 */
export async function openDocument(content: string, cursor = content.length): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `/loom-test-${++documentCount}.md` });
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await userEdit(editor, (_, b) => b.insert(new vscode.Position(0, 0), content));
  const position = editor.document.positionAt(cursor);
  editor.selection = new vscode.Selection(position, position);
  return editor;
}

/** An untitled document in line ending `eol` holding `before + after`, the cursor between them. */
export async function openWithLineEnding(eol: vscode.EndOfLine, before: string, after = ''): Promise<vscode.TextEditor> {
  const editor = await openDocument('');
  await userEdit(editor, (_, b) => b.setEndOfLine(eol));
  await userEdit(editor, (_, b) => b.insert(new vscode.Position(0, 0), before + after));
  const cursor = editor.document.positionAt(before.length);
  editor.selection = new vscode.Selection(cursor, cursor);
  return editor;
}

/** Runs the real command and waits for the generation to end. */
export async function continueAtCursor(): Promise<GenerationOutcome | undefined> {
  return vscode.commands.executeCommand<GenerationOutcome | undefined>('prefillLoom.continueAtCursor');
}

/** Resolves when the document's text satisfies the predicate (polling, so it also sees edits in flight). */
export async function waitForText(document: vscode.TextDocument, predicate: (text: string) => boolean, timeoutMs = 5000): Promise<void> {
  await eventually(() => predicate(document.getText()), "the document's text", timeoutMs, 10);
}

/** Reverts and closes every editor without a save prompt, so one test's documents never leak into the next. */
export async function closeAllEditors(): Promise<void> {
  const openTabs = () => vscode.window.tabGroups.all.reduce((n, g) => n + g.tabs.length, 0);
  for (let i = 0; i < 50 && openTabs() > 0; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

/**
 * Edits as a user would, from the extension host: an API edit is refused while the stream changes
 * the document under it (a keystroke in the editor never is), so try again until it lands.
 */
export async function userEdit(editor: vscode.TextEditor, change: (document: vscode.TextDocument, b: vscode.TextEditorEdit) => void): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await editor.edit((b) => change(editor.document, b))) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.fail('the edit was refused 200 times');
}

/** A loom view source a test (or benchmark) feeds by hand: set `tree`, fire deltas, read the intents. */
export class TestViewSource implements LoomViewSource {
  readonly emitter = new vscode.EventEmitter<TreeDelta>();
  readonly onDidChange = this.emitter.event;
  readonly intents: ViewIntent[] = [];
  constructor(public tree: TreeSnapshot | undefined) {}
  snapshot(): TreeSnapshot | undefined {
    return this.tree;
  }
  handle(intent: ViewIntent): void {
    this.intents.push(intent);
  }
  find(): FoundView {
    return { matches: [], total: 0 };
  }
}
