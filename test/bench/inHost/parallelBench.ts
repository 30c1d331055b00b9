/**
 * Parallel branches, inside the extension host: N alternatives of one node through the controller's
 * generateFromNode, against the fake server with a fixed delay before each token, so one branch takes
 * a known time and N of them should take hardly longer while N ≤ prefillLoom.concurrency.
 */
import type { PrefillLoomApi } from '../../../src/extension';
import { closeAllEditors, openDocument, setSetting } from '../../integration/loomTestKit';
import { spread, type Spread } from '../stats';

export interface ParallelResult {
  branches: number;
  /** From the command to every branch recorded in the tree. */
  wallMs: Spread;
}

export interface ParallelSetup {
  counts: readonly number[];
  tokensPerBranch: number;
  tokenDelayMs: number;
  concurrency: number;
  runs: number;
}

/** `serverUrl`: a fake server with the fill responder (see InHostPlan). */
export async function benchParallel(api: PrefillLoomApi, serverUrl: string, setup: ParallelSetup): Promise<ParallelResult[]> {
  await setTokenDelay(serverUrl, setup.tokenDelayMs);
  await setSetting('concurrency', setup.concurrency);
  await setSetting('maxTokens', setup.tokensPerBranch + 1);
  const results: ParallelResult[] = [];
  try {
    for (const count of setup.counts) {
      await setSetting('alternatives', count);
      const walls: number[] = [];
      for (let run = 0; run < setup.runs; run++) walls.push(await branchOut(api, count));
      results.push({ branches: count, wallMs: spread(walls) });
    }
  } finally {
    await setTokenDelay(serverUrl, 0);
    for (const name of ['concurrency', 'maxTokens', 'alternatives']) await setSetting(name, undefined);
  }
  return results;
}

/** Milliseconds for `count` alternatives of a fresh document's root to be generated into its loom. */
async function branchOut(api: PrefillLoomApi, count: number): Promise<number> {
  const editor = await openDocument('Branches grow from here:');
  try {
    const session = await api.sessions.sessionFor(editor.document);
    if (!session) throw new Error('no loom for the benchmark document');
    const parentId = session.currentId;
    const start = performance.now();
    await api.generations.generateFromNode(session, parentId, 'alternatives');
    const ms = performance.now() - start;
    const done = session.tree.children(parentId).filter((n) => n.generation?.status === 'completed').length;
    if (done !== count) throw new Error(`${done} of ${count} branches completed`);
    return ms;
  } finally {
    await closeAllEditors();
  }
}

/** Through the fake server's control API (test/server/control.ts): the server runs in another process. */
export async function setTokenDelay(serverUrl: string, ms: number): Promise<void> {
  const response = await fetch(`${serverUrl}/__control/delay`, { method: 'POST', body: JSON.stringify({ ms }) });
  if (!response.ok) throw new Error(`the fake server refused a token delay: ${response.status}`);
}
