import { anthropicEndpoint, createAnthropicClient } from '../core/providers/anthropicClient';
import { endpointRisk } from '../core/providers/endpointSafety';
import { validateConnectionSettings, type ConnectionSettings } from '../core/providers/connectionSettings';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import { resolveGenerationParams, validateGenerationDefaults, type GenerationParams } from '../core/conversation/generationSettings';
import { splitTrailingWhitespace } from '../core/conversation/prefill';
import type { GenerationClient } from '../core/generation/generation';
import { ENDPOINT_KINDS, isEndpointKind, isPrefillStyle, MAX_TOP_LOGPROBS, PREFILL_STYLES, type EndpointKind, type PrefillStyle } from '../core/providers/endpointKind';
import { createOpenAIStyleClient } from '../core/providers/openaiClient';
import type { CliOptions, EndpointCliOptions } from './options';

/** Everything a command needs to talk to the API, checked by the same rules as the editor's settings. */
export interface GenerationSetup {
  client: GenerationClient;
  kind: EndpointKind;
  params: GenerationParams;
  connection: ConnectionSettings;
  /** The prefill without its front-matter header, exactly as the user wrote it. */
  prefill: string;
  /** Whether token probabilities were asked for (`--logprobs`). */
  logprobs: boolean;
}

/** Why a command cannot run, in the shape its JSON reports errors. */
export interface SetupProblem {
  cause: string;
  next_step: string;
}

/** The endpoint options once checked. */
interface EndpointChoice {
  kind: EndpointKind;
  prefillStyle: PrefillStyle;
  logprobs?: number;
}

/** Checks `--api`, `--prefill-style` and `--logprobs`; problems are named by flag. */
function checkEndpoint(raw: EndpointCliOptions, problems: string[]): EndpointChoice {
  const kind = raw.api ?? 'anthropic';
  const style = raw['prefill-style'] ?? 'plain';
  const choice: EndpointChoice = { kind: isEndpointKind(kind) ? kind : 'anthropic', prefillStyle: isPrefillStyle(style) ? style : 'plain' };
  if (!isEndpointKind(kind)) problems.push(`--api must be one of ${ENDPOINT_KINDS.join(', ')} (got "${kind}").`);
  if (!isPrefillStyle(style)) problems.push(`--prefill-style must be one of ${PREFILL_STYLES.join(', ')} (got "${style}").`);
  if (raw.logprobs !== undefined) {
    const n = Number(raw.logprobs);
    if (raw.logprobs.trim() === '' || !Number.isInteger(n) || n < 0 || n > MAX_TOP_LOGPROBS) {
      problems.push(`--logprobs must be a whole number from 0 to ${MAX_TOP_LOGPROBS} (got "${raw.logprobs}").`);
    } else if (choice.kind === 'anthropic') {
      problems.push("--logprobs needs --api completions or chat: Anthropic's API gives no token probabilities.");
    } else {
      choice.logprobs = n;
    }
  }
  return choice;
}

/** Checks the options, the prefill's header and the key; a problem means nothing may be sent. */
export function setUpGeneration(options: CliOptions, prefillText: string): GenerationSetup | SetupProblem {
  const header = parseDocumentHeader(prefillText);
  const headerError = header.diagnostics.find((d) => d.severity === 'error');
  const generation = validateGenerationDefaults(options.generation);
  const connection = validateConnectionSettings(options.connection);
  const problems = [...generation.problems, ...connection.problems];
  const endpoint = checkEndpoint(options.endpoint, problems);
  if (headerError) problems.unshift(`Header line ${headerError.line + 1}: ${headerError.message}`);
  if (problems.length > 0) return { cause: problems.join(' '), next_step: 'Fix the options and run again.' };
  const shared = {
    timeoutMs: connection.settings.requestTimeoutSeconds * 1000,
    maxRetries: connection.settings.maxRetries,
  };
  const anthropic = endpoint.kind === 'anthropic';
  if (anthropic && !options.apiKey) return { cause: 'No API key.', next_step: 'Set ANTHROPIC_API_KEY in the environment.' };
  if (!anthropic && !connection.settings.baseUrl) {
    return { cause: `--api ${endpoint.kind} needs --base-url.`, next_step: 'Give the base URL that ends in /v1, e.g. --base-url http://127.0.0.1:8000/v1.' };
  }
  // $ANTHROPIC_BASE_URL names an Anthropic endpoint: an OpenAI-style request never goes there.
  const target = anthropic ? anthropicEndpoint(connection.settings.baseUrl, options.env) : { url: connection.settings.baseUrl };
  if (target.problem) return { cause: target.problem, next_step: 'Fix the URL and run again.' };
  const risk = endpointRisk(target.url);
  if (risk !== undefined && !options.allowPlainHttp) {
    return { cause: risk, next_step: 'Use an https URL, or pass --allow-plain-http to send the key there anyway.' };
  }
  // Standard error, so the warning reaches the person even when the JSON goes to a file or a pipe.
  if (risk !== undefined) process.stderr.write(`prefill-loom: warning: ${risk} Sending anyway (--allow-plain-http).\n`);
  const client: GenerationClient = anthropic
    ? createAnthropicClient({ apiKey: options.apiKey ?? '', baseUrl: target.url, ...shared })
    : createOpenAIStyleClient(
        { apiKey: options.openaiApiKey, baseUrl: target.url, ...shared },
        { kind: endpoint.kind as 'completions' | 'chat', prefillStyle: endpoint.prefillStyle, logprobs: endpoint.logprobs },
      );
  return {
    client,
    kind: endpoint.kind,
    params: resolveGenerationParams(generation.defaults, header.fields),
    connection: connection.settings,
    prefill: prefillText.slice(header.bodyOffset),
    logprobs: endpoint.logprobs !== undefined,
  };
}

/**
 * The prefill as the endpoint is sent it: without trailing whitespace on Anthropic (its API rejects
 * it), exactly as written on the OpenAI-style kinds.
 */
export function prefillAsSent(setup: GenerationSetup): string {
  return setup.kind === 'anthropic' ? splitTrailingWhitespace(setup.prefill).sent : setup.prefill;
}

export function isSetupProblem(setup: GenerationSetup | SetupProblem): setup is SetupProblem {
  return 'cause' in setup;
}
