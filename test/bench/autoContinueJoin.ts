import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { runGeneration } from '../../src/core/generation/generation';
import { startFakeAnthropic } from '../server/fakeAnthropic';
import { STORY, storyTokens } from '../server/storyResponder';

export interface JoinResult {
  boundaries: number;
  requests: number;
  characters: number;
  /** Whether the joined continuation equals the server's full text, exactly. */
  equal: boolean;
}

/**
 * Forces `boundaries` max_tokens cuts (max_tokens chosen so the story's remainder needs that many
 * follow-ups) and checks that auto-continue joins them into exactly the server's text.
 */
export async function benchAutoContinueJoin(boundaries: number): Promise<JoinResult> {
  const server = await startFakeAnthropic();
  try {
    const prefill = STORY.slice(0, 30).trimEnd();
    const remaining = storyTokens(STORY.slice(prefill.length)).length;
    const maxTokens = Math.ceil(remaining / (boundaries + 1));
    const outcome = await runGeneration({
      client: createAnthropicClient({ apiKey: 'sk-ant-test-key', baseUrl: server.url, timeoutMs: 30_000, maxRetries: 0 }),
      params: { model: 'claude-haiku-4-5', user: 'Tell the story.', temperature: 0, max_tokens: maxTokens },
      prefill,
      maxTotalTokens: 1_000_000,
    });
    return {
      boundaries: outcome.requests.filter((r) => r.stopReason === 'max_tokens').length,
      requests: outcome.requests.length,
      characters: outcome.text.length,
      equal: prefill + outcome.text === STORY,
    };
  } finally {
    await server.close();
  }
}
