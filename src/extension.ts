import * as vscode from 'vscode';
import { ApiKeyStore } from './endpoints/apiKeyStore';
import { readLoomSettings } from './conversation/loomSettings';
import { addEndpoint, pickEndpoint } from './endpoints/endpointCommands';
import { EndpointStatusBar } from './endpoints/endpointStatusBar';
import { DivergenceDecorations } from './reproducibility/divergenceDecorations';
import { GenerationController } from './generation/generationController';
import { GenerationStatusBar } from './generation/generationStatusBar';
import { createLoomDocument, importConversationCommand } from './conversation/conversationCommands';
import { HeaderDiagnostics } from './conversation/headerDiagnostics';
import { LAST_REQUEST_SCHEME, LastRequestStore } from './endpoints/lastRequest';
import { exportPath, exportTree, importTree } from './loom/loomExport';
import { importFromAnotherLoom } from './loom/foreignImport';
import { findInLoom } from './loom/findInLoom';
import { handleViewIntent } from './loom/loomIntents';
import { navigate } from './loom/loomNavigation';
import { registerDivergenceNavigation } from './reproducibility/divergenceNavigation';
import { LoomContextKey } from './session/loomContextKey';
import { LoomSessions } from './session/loomSessions';
import { LOOM_PANEL_TYPE, LOOM_VIEW_ID, LoomViewProvider } from './webviews/loomViewProvider';
import { LoomViewModel } from './loom/loomViewModel';
import { PrefillProbeRunner } from './reproducibility/prefillProbeRunner';
import { DistributionRunner } from './distribution/distributionRunner';
import { NextTokenPicker } from './probabilities/nextTokenPicker';
import { RegenerationComparer } from './reproducibility/regenerationComparer';
import { SendGuard } from './endpoints/sendGuard';
import { redactingLog } from './endpoints/redactingLog';
import { rememberEnvironmentSecrets } from './core/providers/secretRedaction';
import { TokenProbabilities } from './probabilities/tokenProbabilities';
import { TokenBranching } from './probabilities/tokenBranching';

/** What the extension exposes to other extensions and to its own integration tests. */
export interface PrefillLoomApi {
  generations: GenerationController;
  lastRequest: LastRequestStore;
  sessions: LoomSessions;
  view: LoomViewProvider;
  viewModel: LoomViewModel;
  decorations: DivergenceDecorations;
  comparer: RegenerationComparer;
  probes: PrefillProbeRunner;
  distributions: DistributionRunner;
  endpointStatus: EndpointStatusBar;
  statusBar: GenerationStatusBar;
  tokenProbabilities: TokenProbabilities;
  tokenBranching: TokenBranching;
  /** How long `activate` took, in milliseconds: the extension's own share of VS Code's startup. */
  activationMs: number;
}

let sessionsToFlush: LoomSessions | undefined;

export function activate(context: vscode.ExtensionContext): PrefillLoomApi {
  const started = performance.now();
  rememberEnvironmentSecrets(process.env);
  const log = redactingLog(vscode.window.createOutputChannel('Prefill Loom', { log: true }));
  const keys = new ApiKeyStore(context.secrets);
  const lastRequest = new LastRequestStore();
  const statusBar = new GenerationStatusBar();
  const endpointStatus = new EndpointStatusBar();
  const headers = new HeaderDiagnostics();
  const sessions = new LoomSessions(context.storageUri ?? context.globalStorageUri, log);
  const generations = new GenerationController({ keys, log, lastRequest, statusBar, headers, guard: new SendGuard(), sessions });
  const model = new LoomViewModel(sessions, (session, intent): Promise<void> => handleViewIntent(session, intent, generations, comparer));
  const view = new LoomViewProvider({ extensionUri: context.extensionUri, source: model, log });
  const decorations = new DivergenceDecorations(sessions);
  const comparer: RegenerationComparer = new RegenerationComparer({ sessions, generations, decorations, view });
  const probes = new PrefillProbeRunner({ sessions, generations, decorations, extensionUri: context.extensionUri, log });
  const distributions = new DistributionRunner({ generations, sessions, extensionUri: context.extensionUri, log });
  const nextToken = new NextTokenPicker(generations);
  const tokenProbabilities = new TokenProbabilities(sessions, context.workspaceState);
  const tokenBranching = new TokenBranching({ sessions, generations, probabilities: tokenProbabilities });
  sessionsToFlush = sessions;

  const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(`prefillLoom.${id}`, run);
  context.subscriptions.push(
    log,
    keys,
    new LoomContextKey(sessions),
    ...registerDivergenceNavigation(decorations),
    lastRequest,
    statusBar,
    endpointStatus,
    headers,
    generations,
    sessions,
    model,
    view,
    decorations,
    probes,
    distributions,
    tokenProbabilities,
    vscode.workspace.registerTextDocumentContentProvider(LAST_REQUEST_SCHEME, lastRequest),
    vscode.window.registerWebviewViewProvider(LOOM_VIEW_ID, view),
    vscode.window.registerWebviewPanelSerializer(LOOM_PANEL_TYPE, view),
    command('continueAtCursor', () => generations.continueAtCursor()),
    // A keybinding may pass the count as the command's argument.
    command('generateAlternatives', (count?: unknown) => generations.generateAlternatives(undefined, Number.isSafeInteger(count) && (count as number) > 0 ? (count as number) : undefined)),
    command('stopGeneration', () => generations.stop(vscode.window.activeTextEditor?.document) || generations.stop() || distributions.stop()),
    command('setApiKey', () => keys.promptAndStore(readLoomSettings().endpoints)),
    command('addEndpoint', () => addEndpoint(keys)),
    command('pickEndpoint', () => pickEndpoint()),
    command('newLoomDocument', () => createLoomDocument()),
    command('importConversation', () => importConversationCommand()),
    command('showLastRequest', () => lastRequest.show()),
    command('copyLastRequestAsCurl', () => lastRequest.copyAsCurl()),
    command('showTree', async () => {
      const editor = vscode.window.activeTextEditor;
      if (editor) await sessions.sessionFor(editor.document);
      view.showBeside({ preserveFocus: true });
    }),
    command('exportTree', () => exportTree(sessions)),
    command('importTree', () => importTree(sessions)),
    command('findInLoom', () => findInLoom(sessions)),
    command('importFromAnotherLoom', (file?: unknown) => importFromAnotherLoom(sessions, file instanceof vscode.Uri ? file : undefined)),
    command('exportPath', () => exportPath(sessions)),
    command('nextSibling', () => navigate(sessions, 'nextSibling')),
    command('previousSibling', () => navigate(sessions, 'previousSibling')),
    command('goToParent', () => navigate(sessions, 'parent')),
    command('goToChild', () => navigate(sessions, 'child')),
    command('regenerateAndCompare', () => comparer.atCursor()),
    command('probePrefillConsistency', (options?: unknown) => probes.atCursor(undefined, options)),
    command('sampleDistribution', (options?: unknown) => distributions.sampleAtCursor(undefined, options)),
    command('compareDistributions', (options?: unknown) => distributions.compareAtCursor(undefined, options)),
    command('showNextTokenProbabilities', (options?: unknown) => nextToken.atCursor(undefined, options)),
    command('acceptNextTokenAndContinue', () => nextToken.acceptAndContinue()),
    command('toggleTokenProbabilities', () => tokenProbabilities.toggle()),
    command('branchAtToken', (link?: unknown) => tokenBranching.branchAtToken(link)),
    command('nextTokenAlternative', () => tokenBranching.cycle(1)),
    command('previousTokenAlternative', () => tokenBranching.cycle(-1)),
    command('clearDivergenceHighlights', () => {
      const editor = vscode.window.activeTextEditor;
      if (editor) decorations.clear(editor.document);
    }),
  );
  return { generations, lastRequest, sessions, view, viewModel: model, decorations, comparer, probes, distributions, endpointStatus, statusBar, tokenProbabilities, tokenBranching, activationMs: performance.now() - started };
}

/** Saves every loom before the window goes: a reload or a quit must not lose the last changes. */
export async function deactivate(): Promise<void> {
  await sessionsToFlush?.flushAll();
}
