import { createAnthropicClient } from '../core/anthropicClient';
import { validateConnectionSettings } from '../core/connectionSettings';
import { parseDocumentHeader } from '../core/documentHeader';
import { runGeneration, type GenerationOutcome } from '../core/generation';
import { describeGenerationError } from '../core/generationError';
import { resolveGenerationParams, validateGenerationDefaults } from '../core/generationSettings';
import { costUsd } from '../core/pricing';
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
    prefill: string;
    max_tokens: number;
    stop_reason: string | null;
    usage: { input_tokens: number; output_tokens: number };
    duration_ms: number;
    error?: string;
  }>;
  error?: { cause: string; next_step: string };
}

/** Runs one generation for the command line, sharing every rule with the editor. */
export async function runContinue(options: CliOptions, prefillText: string, signal: AbortSignal): Promise<ContinueReport> {
  const header = parseDocumentHeader(prefillText);
  const headerError = header.diagnostics.find((d) => d.severity === 'error');
  const generation = validateGenerationDefaults(options.generation);
  const connection = validateConnectionSettings(options.connection);
  const problems = [...generation.problems, ...connection.problems];
  if (headerError) problems.unshift(`Header line ${headerError.line + 1}: ${headerError.message}`);
  if (problems.length > 0) return invalid(problems.join(' '), 'Fix the options and run again.');
  const apiKey = options.apiKey;
  if (!apiKey) return invalid('No API key.', 'Set ANTHROPIC_API_KEY in the environment.');

  const params = resolveGenerationParams(generation.defaults, header.fields);
  const outcome = await runGeneration({
    client: createAnthropicClient({
      apiKey,
      baseUrl: connection.settings.baseUrl,
      timeoutMs: connection.settings.requestTimeoutSeconds * 1000,
      maxRetries: connection.settings.maxRetries,
    }),
    params,
    prefill: prefillText.slice(header.bodyOffset),
    maxTotalTokens: Math.max(connection.settings.maxTotalTokens, params.max_tokens),
    signal,
  });
  return toReport(outcome, params.model);
}

function toReport(outcome: GenerationOutcome, model: string): ContinueReport {
  const report: ContinueReport = {
    status: outcome.status,
    text: outcome.text,
    replaced: outcome.replaced,
    stop_reason: outcome.stopReason,
    usage: outcome.usage,
    cost_usd: costUsd(model, outcome.usage) ?? null,
    requests: outcome.requests.map((r) => ({
      prefill: r.prefillSent,
      max_tokens: r.body.max_tokens,
      stop_reason: r.stopReason,
      usage: r.usage,
      duration_ms: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
    })),
  };
  if (outcome.status === 'failed') {
    const description = describeGenerationError(outcome.error);
    report.error = { cause: description.cause, next_step: description.nextStep };
  }
  return report;
}

function invalid(cause: string, nextStep: string): ContinueReport {
  return {
    status: 'invalid',
    text: '',
    replaced: '',
    stop_reason: null,
    usage: { input_tokens: 0, output_tokens: 0 },
    cost_usd: null,
    requests: [],
    error: { cause, next_step: nextStep },
  };
}
