import { parseArgs } from 'node:util';
import { TREE_USAGE } from './treeCommands';

/** Command line options, still unchecked: the same validators as the editor's settings check them. */
export interface CliOptions {
  command: string | undefined;
  prefillFile?: string;
  apiKey?: string;
  generation: Record<string, unknown>;
  connection: Record<string, unknown>;
  /** The `probe` command's own options, as given; see probeCommand.ts. */
  probe: ProbeCliOptions;
  help: boolean;
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
${TREE_USAGE}

continue: continues a prefill with Claude and prints one JSON object: the continuation ("text"),
every request ("requests": prefill sent, stop_reason, usage) and "error" on failure (exit status 1).

probe: checks whether the model continues its own text the same way when that text is given as a
prefill. FILE holds a completion the model wrote after the prefill; at each split point of it the
prefill plus the completion up to there is sent, asking for a few tokens, and the answer is compared
with the rest of the completion. Prints JSON with one entry per split point ("points": offset,
expected, got, consistent, verdict), a "summary", "usage" and "costUsd". Exit status 1 when some
request failed, 0 otherwise, divergent points included.

The prefill may start with the same front-matter header as an editor document.

Options:
  --prefill-file FILE        read the prefill from FILE instead of standard input
  --user TEXT                the user turn before the prefill
  --system TEXT              system prompt
  --model ID                 model id (default claude-haiku-4-5)
  --temperature N            0 to 1
  --max-tokens N             max_tokens of each request (default 1024)
  --max-total-tokens N       output budget across auto-continue requests (default 4096)
  --base-url URL             an Anthropic-compatible endpoint (default: $ANTHROPIC_BASE_URL)
  --timeout SECONDS          per-request timeout (default 600)
  --max-retries N            retries for 429/5xx/connection errors (default 2)
  -h, --help                 this text

Probe options:
  --completion-file FILE     the completion to probe (required)
  --split word|char          split after every word and punctuation run (default), or every character
  --samples N                requests per split point (default 1); above 1, sampling noise shows as "mixed"
  --probe-tokens N           max_tokens of each probe request (default 8)
  --max-points N             probe at most N split points, evenly spread
  --concurrency N            requests at once (default 4)

The API key is read from ANTHROPIC_API_KEY.`;

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
      timeout: { type: 'string' },
      'max-retries': { type: 'string' },
      concurrency: { type: 'string' },
      'completion-file': { type: 'string' },
      split: { type: 'string' },
      samples: { type: 'string' },
      'probe-tokens': { type: 'string' },
      'max-points': { type: 'string' },
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
    baseUrl: values['base-url'] ?? env.ANTHROPIC_BASE_URL,
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
    generation: withoutUndefined(generation),
    connection: withoutUndefined(connection),
    probe,
    help: values.help ?? false,
  };
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
