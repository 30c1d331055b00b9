import type { LoomTree } from '../loom/loomTree';
import { prepareGenerationAt } from '../loom/treeReconcile';
import type { EndpointKind } from '../providers/endpointKind';
import { packTokens } from '../providers/tokenLogprobs';
import type { Sample } from './sampleRun';

/** Where a run sampled, in a loom: `offset` characters into the path to `anchorId` (the prefill as sent). */
export interface SamplePoint {
  anchorId: string;
  offset: number;
}

/** What every sample of one run shares on its node. */
export interface SampleRecord {
  /** The run's id, on every sample saved from it. */
  run: string;
  /** Samples the run asked for. */
  of: number;
  model: string;
  params: Readonly<Record<string, unknown>>;
  endpoint: string;
  endpointKind: EndpointKind;
}

/**
 * Hangs samples as sibling model nodes at the point, each marked with its place in the run. The path
 * through the point is split there if need be but keeps its text, so the editor is not changed; a
 * sample's node is a generation's node in every other respect (status, usage, tokens, endpoint).
 * Returns the new nodes' ids, in the order given.
 */
export function addSampleNodes(tree: LoomTree, point: SamplePoint, samples: readonly Sample[], record: SampleRecord): string[] {
  const parentId = prepareGenerationAt(tree, point.anchorId, point.offset);
  return samples.map(
    (s) =>
      tree.addChild(parentId, s.text, {
        author: 'model',
        kind: 'generation',
        sample: { run: record.run, index: s.index, of: record.of },
        generation: {
          model: record.model,
          params: { ...record.params },
          stopReason: s.stopReason,
          usage: s.usage,
          durationMs: s.durationMs,
          requests: s.requests,
          status: s.status,
          endpoint: record.endpoint,
          endpointKind: record.endpointKind,
          ...(s.replaced ? { replacedWhitespace: s.replaced } : {}),
          ...(s.error ? { error: s.error.cause } : {}),
          ...(s.tokens ? { tokens: packTokens(s.tokens) } : {}),
        },
      }).id,
  );
}
