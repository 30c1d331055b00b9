import type { GenerationInfo } from '../../src/core/loom/loomNode';

/** A model node's generation info as a stream starts it: what the property tests hang on new nodes. */
export const streaming: GenerationInfo = {
  model: 'sim',
  params: { model: 'sim', temperature: 1 },
  stopReason: null,
  usage: { input_tokens: 0, output_tokens: 0 },
  durationMs: 0,
  requests: 1,
  status: 'streaming',
};
