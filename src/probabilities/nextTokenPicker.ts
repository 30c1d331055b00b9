import * as vscode from 'vscode';
import { prefillAtCursor } from '../conversation/prefillAtCursor';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import { requestNextToken, type NextTokenDistribution } from '../core/distribution/nextToken';
import type { GenerationOutcome } from '../core/generation/generation';
import { describeGenerationError } from '../core/generation/generationError';
import { isPartialCharacter, percent, probabilityBar, visibleToken } from '../core/probabilities/tokenText';
import { inertLabel } from '../core/shared/inertLabel';
import { OpenAIStyleClient } from '../core/providers/openaiClient';
import { resolveEndpoint } from '../core/providers/endpointSettings';
import { readLoomSettings } from '../conversation/loomSettings';
import { reportGenerationError } from '../generation/errorNotifier';
import type { GenerationController } from '../generation/generationController';

/**
 * True while the next-token pick is open: Alt+→ then inserts and continues. Not Shift+Enter: VS Code's
 * quick input takes every Enter, modifiers or not, as a plain accept, before any keybinding sees it.
 */
export const NEXT_TOKEN_PICK_CONTEXT = 'prefillLoom.nextTokenPickOpen';

/**
 * The key of Insert Next Token and Continue as the list names it. The same physical key on every
 * platform (Option is the Mac's Alt), so the hint holds even when the extension host runs on another OS.
 */
const CONTINUE_KEY = 'Alt+→ (Option+→ on a Mac)';

type Alternative = NextTokenDistribution['alternatives'][number];

/** What a script or a test may pass instead of picking: the index of an alternative, and whether to continue after it. */
export interface NextTokenRequest {
  pick?: number;
  continue?: boolean;
}

/** What the command did, for scripts and tests. */
export interface NextTokenResult {
  alternatives: Alternative[];
  /** The items the pick showed, in order. */
  items: Array<{ label: string; description: string }>;
  inserted?: string;
  continued?: GenerationOutcome;
}

interface AlternativeItem extends vscode.QuickPickItem {
  alternative: Alternative;
}

const CONTINUE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-continue'), tooltip: `Insert and Continue Generating: ${CONTINUE_KEY}` };

/**
 * Show Next-Token Probabilities: one request for a single token at the cursor, its alternatives in a
 * quick pick with probability bars; the one picked goes in as model-written text (a loom node), and
 * with Alt+→ (Insert Next Token and Continue) or the item's button the generation continues after it.
 */
export class NextTokenPicker {
  /** The open pick's accept, for Insert Next Token and Continue. */
  private acceptOpen: ((continueAfter: boolean) => void) | undefined;

  constructor(private readonly generations: GenerationController) {}

  async atCursor(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor, raw?: unknown): Promise<NextTokenResult | undefined> {
    const prefill = editor && prefillAtCursor(editor);
    if (!editor || prefill === undefined) {
      void vscode.window.showInformationMessage('Prefill Loom: put the cursor in the body of a document (below its header), then show the next-token probabilities there.');
      return undefined;
    }
    if (!(await this.endpointGivesProbabilities(editor.document))) return undefined;
    const prepared = await this.generations.prepareRequests(editor.document);
    if (!prepared || !(prepared.client instanceof OpenAIStyleClient)) return undefined;
    const client = prepared.client;
    const { outcome, distribution } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Prefill Loom: asking for the next token' },
      () => requestNextToken({ client, params: prepared.params, prefill }),
    );
    if (outcome.status === 'failed') {
      void reportGenerationError(describeGenerationError(outcome.error));
      return undefined;
    }
    if (!distribution) {
      void vscode.window.showWarningMessage('Prefill Loom: the endpoint answered without token probabilities (some servers, such as LM Studio, send none). Show Last Request has what was sent.', 'Show Last Request').then((choice) => {
        if (choice) void vscode.commands.executeCommand('prefillLoom.showLastRequest');
      });
      return undefined;
    }
    const items = distribution.alternatives.map(toItem);
    const result: NextTokenResult = { alternatives: distribution.alternatives, items: items.map(({ label, description }) => ({ label, description: description ?? '' })) };
    const request = parseRequest(raw);
    const choice = request.pick !== undefined ? { item: items[request.pick], continueAfter: request.continue === true } : await this.pick(items);
    if (!choice?.item) return result;
    return { ...result, ...(await this.insert(editor, outcome, choice.item.alternative, choice.continueAfter)) };
  }

  /** Insert Next Token and Continue, while the pick is open. */
  acceptAndContinue(): void {
    this.acceptOpen?.(true);
  }

  /** Anthropic's API gives no token probabilities: say so, and which kinds do, before asking for anything. */
  private async endpointGivesProbabilities(document: vscode.TextDocument): Promise<boolean> {
    const settings = readLoomSettings();
    const endpoint = resolveEndpoint(settings.endpoints, settings.defaultEndpoint, parseDocumentHeader(document.getText()).fields.endpoint);
    if ('problem' in endpoint || endpoint.kind !== 'anthropic') return true;
    const choice = await vscode.window.showInformationMessage(
      `Prefill Loom: the endpoint "${endpoint.name}" uses the Anthropic Messages API, which gives no token probabilities. Completions and chat endpoints do (vLLM, llama.cpp, Ollama, Together, DeepSeek, OpenRouter for some models): add one, or pick one for this document.`,
      'Add Endpoint',
      'Pick Endpoint',
    );
    if (choice === 'Add Endpoint') void vscode.commands.executeCommand('prefillLoom.addEndpoint');
    if (choice === 'Pick Endpoint') void vscode.commands.executeCommand('prefillLoom.pickEndpoint');
    return false;
  }

  private pick(items: AlternativeItem[]): Promise<{ item: AlternativeItem; continueAfter: boolean } | undefined> {
    const quickPick = vscode.window.createQuickPick<AlternativeItem>();
    quickPick.title = 'Prefill Loom: next-token probabilities';
    quickPick.placeholder = `Enter inserts the token · ${CONTINUE_KEY} inserts it and continues generating`;
    quickPick.items = items;
    return new Promise((resolve) => {
      let open = true;
      const done = (choice: { item: AlternativeItem; continueAfter: boolean } | undefined) => {
        // Disposing hides the pick, which comes back here: close once.
        if (!open) return;
        open = false;
        this.acceptOpen = undefined;
        void vscode.commands.executeCommand('setContext', NEXT_TOKEN_PICK_CONTEXT, false);
        resolve(choice);
        quickPick.dispose();
      };
      const accept = (continueAfter: boolean) => {
        const item = quickPick.activeItems[0];
        if (item) done({ item, continueAfter });
      };
      this.acceptOpen = accept;
      quickPick.onDidAccept(() => accept(false));
      quickPick.onDidTriggerItemButton((e) => done({ item: e.item, continueAfter: true }));
      quickPick.onDidHide(() => done(undefined));
      void vscode.commands.executeCommand('setContext', NEXT_TOKEN_PICK_CONTEXT, true);
      quickPick.show();
    });
  }

  private async insert(editor: vscode.TextEditor, outcome: GenerationOutcome, alternative: Alternative, continueAfter: boolean): Promise<Partial<NextTokenResult>> {
    if (isPartialCharacter(alternative.text)) {
      void vscode.window.showInformationMessage('Prefill Loom: this token is part of a character and cannot be inserted on its own. Continue at the cursor to let the model write the whole character.');
      return {};
    }
    const chosen = outcome.tokens![0];
    // The node records the picked token with the alternatives it was picked from.
    const end = await this.generations.insertModelText(editor, { ...outcome, text: alternative.text, tokens: [{ text: alternative.text, logprob: alternative.logprob, top: chosen.top }] });
    if (end === undefined) return {};
    const position = editor.document.positionAt(end);
    editor.selection = new vscode.Selection(position, position);
    if (!continueAfter) return { inserted: alternative.text };
    return { inserted: alternative.text, continued: await this.generations.continueAtCursor(editor) };
  }
}

function toItem(alternative: Alternative): AlternativeItem {
  const partial = isPartialCharacter(alternative.text);
  return {
    label: inertLabel(partial ? alternative.text : visibleToken(alternative.text)),
    description: `${probabilityBar(alternative.probability)} ${percent(alternative.probability)} · logprob ${alternative.logprob.toFixed(3)}${partial ? ' · part of a character' : ''}`,
    buttons: partial ? [] : [CONTINUE_BUTTON],
    alternative,
  };
}

function parseRequest(raw: unknown): NextTokenRequest {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  return { pick: Number.isSafeInteger(r.pick) && (r.pick as number) >= 0 ? (r.pick as number) : undefined, continue: r.continue === true };
}
