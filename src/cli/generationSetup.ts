import type Anthropic from '@anthropic-ai/sdk';
import { anthropicEndpoint, createAnthropicClient } from '../core/providers/anthropicClient';
import { endpointRisk } from '../core/providers/endpointSafety';
import { validateConnectionSettings, type ConnectionSettings } from '../core/providers/connectionSettings';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import { resolveGenerationParams, validateGenerationDefaults, type GenerationParams } from '../core/conversation/generationSettings';
import type { CliOptions } from './options';

/** Everything a command needs to talk to the API, checked by the same rules as the editor's settings. */
export interface GenerationSetup {
  client: Anthropic;
  params: GenerationParams;
  connection: ConnectionSettings;
  /** The prefill without its front-matter header, exactly as the user wrote it. */
  prefill: string;
}

/** Why a command cannot run, in the shape its JSON reports errors. */
export interface SetupProblem {
  cause: string;
  next_step: string;
}

/** Checks the options, the prefill's header and the key; a problem means nothing may be sent. */
export function setUpGeneration(options: CliOptions, prefillText: string): GenerationSetup | SetupProblem {
  const header = parseDocumentHeader(prefillText);
  const headerError = header.diagnostics.find((d) => d.severity === 'error');
  const generation = validateGenerationDefaults(options.generation);
  const connection = validateConnectionSettings(options.connection);
  const problems = [...generation.problems, ...connection.problems];
  if (headerError) problems.unshift(`Header line ${headerError.line + 1}: ${headerError.message}`);
  if (problems.length > 0) return { cause: problems.join(' '), next_step: 'Fix the options and run again.' };
  const apiKey = options.apiKey;
  if (!apiKey) return { cause: 'No API key.', next_step: 'Set ANTHROPIC_API_KEY in the environment.' };
  const endpoint = anthropicEndpoint(connection.settings.baseUrl, options.env);
  if (endpoint.problem) return { cause: endpoint.problem, next_step: 'Fix the URL and run again.' };
  const risk = endpointRisk(endpoint.url);
  if (risk !== undefined && !options.allowPlainHttp) {
    return { cause: risk, next_step: 'Use an https URL, or pass --allow-plain-http to send the key there anyway.' };
  }
  // Standard error, so the warning reaches the person even when the JSON goes to a file or a pipe.
  if (risk !== undefined) process.stderr.write(`prefill-loom: warning: ${risk} Sending anyway (--allow-plain-http).\n`);
  return {
    client: createAnthropicClient({
      apiKey,
      baseUrl: endpoint.url,
      timeoutMs: connection.settings.requestTimeoutSeconds * 1000,
      maxRetries: connection.settings.maxRetries,
    }),
    params: resolveGenerationParams(generation.defaults, header.fields),
    connection: connection.settings,
    prefill: prefillText.slice(header.bodyOffset),
  };
}

export function isSetupProblem(setup: GenerationSetup | SetupProblem): setup is SetupProblem {
  return 'cause' in setup;
}
