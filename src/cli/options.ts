import { parseArgs } from 'node:util';
import { TREE_USAGE } from './treeCommands';
import { MAX_TOP_LOGPROBS } from '../core/providers/endpointKind';

/** Command line options, still unchecked: the same validators as the editor's settings check them. */
export interface CliOptions {
  command: string | undefined;
  prefillFile?: string;
  /** ANTHROPIC_API_KEY, for `--api anthropic`. */
  apiKey?: string;
  /** OPENAI_API_KEY, for the OpenAI-style kinds; unset sends no Authorization header. */
  openaiApiKey?: string;
  /** `--api`, `--prefill-style`, `--logprobs` as given; checked in generationSetup.ts. */
  endpoint: EndpointCliOptions;
  /** Where `$ANTHROPIC_BASE_URL` is read from when --base-url is not given. */
  env: NodeJS.ProcessEnv;
  /** --allow-plain-http: send the key to an endpoint the endpoint rule objects to, with a warning. */
  allowPlainHttp: boolean;
  generation: Record<string, unknown>;
  connection: Record<string, unknown>;
  /** The `probe` command's own options, as given; see probeCommand.ts. */
  probe: ProbeCliOptions;
  /** The `sample` command's own options, as given; see sampleCommand.ts. */
  sample: SampleCliOptions;
  help: boolean;
}

/** Keyed by flag name, so a message can name the flag. */
export interface EndpointCliOptions {
  api?: string;
  'prefill-style'?: string;
  logprobs?: string;
}

/** Keyed by flag name, so a message can name the flag. */
export interface SampleCliOptions {
  n?: string;
  'compare-prefill-file'?: string;
}

/** Keyed by flag name, so a message can name the flag. */
export interface ProbeCliOptions {
  'completion-file'?: string;
  split?: string;
  samples?: string;
  'probe-tokens'?: string;
  'max-points'?: string;
}

export const USAGE = `Usage: prefill-loom continue [options] < prefill.txt
       prefill-loom probe --completion-file FILE [options] < prefill.txt
       prefill-loom sample --n N [--compare-prefill-file FILE] [options] < prefill.txt
${TREE_USAGE}

continue: continues a prefill and prints one JSON object: the continuation ("text"), every request
("requests": prefill sent, stop_reason, usage) and "error" on failure (exit status 1). With
--logprobs N, also "tokens": every generated token with its logprob and the top N alternatives.

probe: checks whether the model continues its own text the same way when that text is given as a
prefill. FILE holds a completion the model wrote after the prefill; at each split point of it the
prefill plus the completion up to there is sent, asking for a few tokens, and the answer is compared
with the rest of the completion. Prints JSON with one entry per split point ("points": offset,
expected, got, consistent, verdict), a "summary", "usage" and "costUsd". Exit status 1 when some
request failed, 0 otherwise, divergent points included.

sample: runs N continuations at the prefill (--concurrency at once) and prints JSON: "samples"
(index, status, text, stop_reason, usage), "failed" (the samples that failed, with the cause),
"groups" and "loose_groups" (distinct texts, exactly and ignoring leading whitespace and case, with
count and share of the completed samples, most frequent first), "first_tokens", "scripts" (writing
system → share of samples) and "totals" (tokens, cost_usd where the price is known). With
--compare-prefill-file FILE the same run at FILE's prefill goes in "compare", with "aligned": each
text's share in both and the difference. Exit status 1 when some sample failed, 130 when cancelled.

The prefill may start with the same front-matter header as an editor document.

Options:
  --prefill-file FILE        read the prefill from FILE instead of standard input
  --user TEXT                the user turn before the prefill
  --system TEXT              system prompt
  --model ID                 model id (default claude-haiku-4-5)
  --temperature N            0 to 1
  --max-tokens N             max_tokens of each request (default 1024)
  --max-total-tokens N       output budget across auto-continue requests (default 4096)
  --api KIND                 anthropic (default): the Messages API, the prefill as the final
                             assistant message without its trailing whitespace;
                             completions: POST {base}/completions, the prompt exactly as read;
                             chat: POST {base}/chat/completions, the prefill as the final
                             assistant message marked per --prefill-style
  --prefill-style STYLE      chat only: continue_final_message (vLLM, SGLang), prefix (DeepSeek
                             beta, Mistral), partial (Qwen, Moonshot) or plain (default)
  --logprobs N               completions/chat: ask for token probabilities with N alternatives
                             (0 to ${MAX_TOP_LOGPROBS}) and print them as "tokens"
  --base-url URL             anthropic: an Anthropic-compatible endpoint (default:
                             $ANTHROPIC_BASE_URL); completions/chat: the base ending in /v1,
                             e.g. http://127.0.0.1:8000/v1 (required)
  --allow-plain-http         send the key even over plain http to another machine, or to a
                             link-local or metadata address (refused without it; warns on stderr)
  --timeout SECONDS          per-request timeout (default 600)
  --max-retries N            retries for 429/5xx/connection errors (default 2)
  -h, --help                 this text

Probe options:
  --completion-file FILE     the completion to probe (required)
  --split word|char|token    split after every word and punctuation run (default), every character,
                             or between the model's own tokens: FILE is then the JSON output of
                             continue --logprobs N, and the probe prefills its first n tokens for each n
  --samples N                requests per split point (default 1); above 1, sampling noise shows as "mixed"
  --probe-tokens N           max_tokens of each probe request (default 8)
  --max-points N             probe at most N split points, evenly spread
  --concurrency N            requests at once (default 4)

Sample options:
  --n N                      samples to run (required, 1 to 10000)
  --compare-prefill-file F   also sample at the prefill in F and align the two runs
  --concurrency N            requests at once (default 4)

The API key is read from ANTHROPIC_API_KEY (--api anthropic) or OPENAI_API_KEY (completions, chat;
unset: no Authorization header is sent).`;

function numberOrText(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

/** Parses argv; unknown options throw, with a message naming them. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'prefill-file': { type: 'string' },
      user: { type: 'string' },
      system: { type: 'string' },
      model: { type: 'string' },
      temperature: { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-total-tokens': { type: 'string' },
      'base-url': { type: 'string' },
      api: { type: 'string' },
      'prefill-style': { type: 'string' },
      logprobs: { type: 'string' },
      timeout: { type: 'string' },
      'max-retries': { type: 'string' },
      concurrency: { type: 'string' },
      'completion-file': { type: 'string' },
      split: { type: 'string' },
      samples: { type: 'string' },
      'probe-tokens': { type: 'string' },
      'max-points': { type: 'string' },
      n: { type: 'string' },
      'compare-prefill-file': { type: 'string' },
      'allow-plain-http': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const generation: Record<string, unknown> = {
    model: values.model,
    user: values.user,
    system: values.system,
    temperature: numberOrText(values.temperature),
    maxTokens: numberOrText(values['max-tokens']),
  };
  const connection: Record<string, unknown> = {
    baseUrl: values['base-url'],
    requestTimeoutSeconds: numberOrText(values.timeout),
    maxRetries: numberOrText(values['max-retries']),
    maxTotalTokens: numberOrText(values['max-total-tokens']),
    concurrency: numberOrText(values.concurrency),
  };
  const probe: ProbeCliOptions = {
    'completion-file': values['completion-file'],
    split: values.split,
    samples: values.samples,
    'probe-tokens': values['probe-tokens'],
    'max-points': values['max-points'],
  };
  return {
    command: positionals[0],
    prefillFile: values['prefill-file'],
    apiKey: env.ANTHROPIC_API_KEY,
    openaiApiKey: env.OPENAI_API_KEY,
    endpoint: { api: values.api, 'prefill-style': values['prefill-style'], logprobs: values.logprobs },
    env,
    allowPlainHttp: values['allow-plain-http'] ?? false,
    generation: withoutUndefined(generation),
    connection: withoutUndefined(connection),
    probe,
    sample: { n: values.n, 'compare-prefill-file': values['compare-prefill-file'] },
    help: values.help ?? false,
  };
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
