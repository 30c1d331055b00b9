/**
 * Runs the fake Anthropic API on its own:
 *
 *   node out/test/server/main.js [--port N] [--key K] [--delay MS] [--simulator]
 *
 * Prints `FAKE_ANTHROPIC_URL=http://127.0.0.1:PORT` once listening, and stops on SIGTERM or SIGINT.
 * Script it over HTTP with the control API (control.ts).
 */
import { startFakeAnthropic, type FakeAnthropicOptions } from './fakeAnthropic';
import { createSimulatorResponder } from './simulator/simulatorResponder';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node out/test/server/main.js [--port N] [--key K] [--delay MS] [--simulator]\n`);
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
  const options: FakeAnthropicOptions = {};
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
        options.responder = createSimulatorResponder();
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const server = await startFakeAnthropic(parseArgs(process.argv.slice(2)));
  process.stdout.write(`FAKE_ANTHROPIC_URL=${server.url}\n`);
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
