import { runGeneration, type GenerationOutcome } from '../core/generation/generation';
import { conversationTurns, type ConversationTurn } from '../core/conversation/conversationTurns';
import { describeGenerationError } from '../core/generation/generationError';
import { outputTokenBudget } from '../core/providers/connectionSettings';
import { costUsd } from '../core/shared/pricing';
import type { TokenLogprob } from '../core/providers/tokenLogprobs';
import { isSetupProblem, setUpGeneration, type SetupProblem } from './generationSetup';
import type { CliOptions } from './options';

/** The JSON the `continue` command prints: the continuation and an account of every request. */
export interface ContinueReport {
  status: GenerationOutcome['status'] | 'invalid';
  /** Exactly what follows the prefill once its trailing whitespace ({@link replaced}) is removed. */
  text: string;
  replaced: string;
  stop_reason: string | null;
  usage: { input_tokens: number; output_tokens: number };
  cost_usd: number | null;
  requests: Array<{
    /** The turns sent before the prefill (the header's conversation, or the one user turn). */
    turns: ConversationTurn[];
    prefill: string;
    max_tokens: number;
    stop_reason: string | null;
    usage: { input_tokens: number; output_tokens: number };
    duration_ms: number;
    error?: string;
    /** Events the server sent after `message_stop`, which were ignored. */
    ignored_after_stop?: number;
  }>;
  /** With `--logprobs`: every generated token across all requests; joined, their texts equal {@link text}. */
  tokens?: TokenLogprob[];
  error?: { cause: string; next_step: string };
  /** Why the generation stopped early or was counted differently from what the server said. */
  warnings?: string[];
}

/** Runs one generation for the command line, sharing every rule with the editor. */
export async function runContinue(options: CliOptions, prefillText: string, signal: AbortSignal): Promise<ContinueReport> {
  const setup = setUpGeneration(options, prefillText);
  if (isSetupProblem(setup)) return invalid(setup);
  const outcome = await runGeneration({
    client: setup.client,
    params: setup.params,
    prefill: setup.prefill,
    maxTotalTokens: outputTokenBudget(setup.connection, setup.params.max_tokens),
    signal,
  });
  const report = toReport(outcome, setup.params.model, conversationTurns(setup.params));
  if (setup.logprobs) report.tokens = outcome.tokens ?? [];
  return report;
}

function toReport(outcome: GenerationOutcome, model: string, turns: ConversationTurn[]): ContinueReport {
  const report: ContinueReport = {
    status: outcome.status,
    text: outcome.text,
    replaced: outcome.replaced,
    stop_reason: outcome.stopReason,
    usage: outcome.usage,
    cost_usd: costUsd(model, outcome.usage) ?? null,
    requests: outcome.requests.map((r) => ({
      turns,
      prefill: r.prefillSent,
      max_tokens: r.body.max_tokens,
      stop_reason: r.stopReason,
      usage: r.usage,
      duration_ms: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
      ...(r.ignoredAfterStop ? { ignored_after_stop: r.ignoredAfterStop } : {}),
    })),
  };
  if (outcome.warnings.length > 0) report.warnings = outcome.warnings;
  if (outcome.status === 'failed') {
    const description = describeGenerationError(outcome.error);
    report.error = { cause: description.cause, next_step: description.nextStep };
  }
  return report;
}

function invalid(error: SetupProblem): ContinueReport {
  return {
    status: 'invalid',
    text: '',
    replaced: '',
    stop_reason: null,
    usage: { input_tokens: 0, output_tokens: 0 },
    cost_usd: null,
    requests: [],
    error,
  };
}
