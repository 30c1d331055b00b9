/**
 * Harmless oddities real OpenAI-style servers put in their streams, switched on per server so a
 * client can be shown to tolerate each. None of them changes the text or the usage a client must end with.
 */
export interface OpenAiQuirks {
  /** `: keep-alive` comment lines before the first chunk and between chunks (OpenRouter sends such comments). */
  keepAliveComments?: boolean;
  /**
   * Where `finish_reason` goes: on the last token's chunk (OpenAI completions, vLLM), on an extra
   * chunk with no text (OpenAI chat), or on both (seen from Azure). Default: each route's real habit.
   */
  finishReason?: 'onLastToken' | 'extraChunk' | 'both';
  /** A usage-only chunk (`choices: []`) even when `stream_options.include_usage` was not asked for. */
  usageChunkAlways?: boolean;
  /** End the stream without `data: [DONE]` (the connection just closes after the last chunk). */
  omitDone?: boolean;
}

const FINISH_PLACES = new Set(['onLastToken', 'extraChunk', 'both']);

/** Checks quirks that arrived as JSON over the control API; returns a message naming the bad field, or undefined. */
export function quirksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  for (const [key, field] of Object.entries(value)) {
    if (key === 'finishReason') {
      if (!FINISH_PLACES.has(field as string)) return "finishReason must be 'onLastToken', 'extraChunk' or 'both'";
    } else if (['keepAliveComments', 'usageChunkAlways', 'omitDone'].includes(key)) {
      if (typeof field !== 'boolean') return `${key} must be a boolean`;
    } else {
      return `unknown quirk ${JSON.stringify(key)}`;
    }
  }
  return undefined;
}
