/**
 * Runs the fake Anthropic API on its own:
 *
 *   node out/test/server/main.js [--port N] [--key K] [--delay MS] [--simulator] [--corpus stories|mixed]
 *                                [--seed N] [--openai-key K] [--chat-prefill PROFILE]
 *
 * The same port serves the Messages API (`/v1/messages`) and the OpenAI-style routes
 * (`/v1/completions`, `/v1/chat/completions`: base URL `http://127.0.0.1:PORT/v1`). `--corpus` and
 * `--seed` imply `--simulator` (`--seed N`: the k-th request that names no seed samples with
 * `sequenceSeed(N, k)`, so a run of samples is exact as a whole); `--openai-key` makes the OpenAI-style routes require that key (without
 * it they act as a local server and take none); `--chat-prefill` names a profile of chatPrefill.ts.
 *
 * Prints `FAKE_ANTHROPIC_URL=http://127.0.0.1:PORT` once listening, and stops on SIGTERM or SIGINT.
 * Script it over HTTP with the control API (control.ts).
 */
import { startFakeAnthropic, type FakeAnthropicOptions } from './fakeAnthropic';
import { CHAT_PREFILL_PROFILES, isProfileName } from './openai/chatPrefill';
import type { OpenAiOptions } from './openai/openAiRoutes';
import { CORPUS_NAMES, type CorpusName } from './simulator/corpus';
import { createSimulatorResponder, type SimulatorOptions } from './simulator/simulatorResponder';

const USAGE =
  'usage: node out/test/server/main.js [--port N] [--key K] [--delay MS] [--simulator] [--corpus stories|mixed] [--seed N] [--openai-key K] [--chat-prefill PROFILE]';

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function numberArg(flag: string, value: string | undefined): number {
  const number = Number(value);
  if (value === undefined || !Number.isInteger(number) || number < 0) {
    usage(`${flag} needs a non-negative integer`);
  }
  return number;
}

/**
 * Every flag is decided here, the choice of responder included: without a flag that sets
 * `options.responder`, the server uses its default, the story responder.
 */
function parseArgs(args: readonly string[]): FakeAnthropicOptions {
  const openAi: OpenAiOptions = {};
  const options: FakeAnthropicOptions = { openAi };
  let simulator: SimulatorOptions | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    switch (flag) {
      case '--port':
        options.port = numberArg(flag, args[++i]);
        break;
      case '--key':
        options.apiKey = args[++i] ?? usage('--key needs a value');
        break;
      case '--delay':
        options.tokenDelayMs = numberArg(flag, args[++i]);
        break;
      case '--simulator':
        simulator ??= {};
        break;
      case '--corpus': {
        const corpus = args[++i] as CorpusName;
        if (!CORPUS_NAMES.includes(corpus)) usage(`--corpus needs one of ${CORPUS_NAMES.join(', ')}`);
        simulator = { ...simulator, corpus };
        openAi.corpus = corpus;
        break;
      }
      case '--seed': {
        const seed = numberArg(flag, args[++i]);
        simulator = { ...simulator, sequenceSeed: seed };
        openAi.seed = seed;
        break;
      }
      case '--openai-key':
        openAi.apiKey = args[++i] ?? usage('--openai-key needs a value');
        break;
      case '--chat-prefill': {
        const profile = args[++i];
        if (!isProfileName(profile)) usage(`--chat-prefill needs one of ${Object.keys(CHAT_PREFILL_PROFILES).join(', ')}`);
        openAi.chatPrefill = CHAT_PREFILL_PROFILES[profile];
        break;
      }
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  if (simulator) {
    options.responder = createSimulatorResponder(simulator);
  }
  return options;
}

async function main(): Promise<void> {
  const server = await startFakeAnthropic(parseArgs(process.argv.slice(2)));
  process.stdout.write(`FAKE_ANTHROPIC_URL=${server.url}\nFAKE_OPENAI_BASE_URL=${server.url}/v1\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake Anthropic server failed to start: ${String(error)}\n`);
  process.exit(1);
});
