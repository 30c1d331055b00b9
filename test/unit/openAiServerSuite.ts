import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../server/fakeAnthropic';
import type { CorpusName } from '../server/simulator/corpus';
import { simulatorModel } from '../server/simulator/trainedModel';

export interface OpenAiServerSuite {
  readonly server: FakeAnthropic;
  /** The `openai` client pointed at the server's `/v1`, without retries. */
  readonly client: OpenAI;
}

/**
 * The hooks the OpenAI-style server suites share: the simulator trained on `corpora` before the suite
 * (training takes longer than a test's timeout), a server with `options` and a client for it
 * (`apiKey`: the server's key if it has one), the server reset after each test and closed at the end.
 */
export function openAiServerSuite(options: FakeAnthropicOptions = {}, corpora: readonly CorpusName[] = ['stories']): OpenAiServerSuite {
  let server: FakeAnthropic | undefined;
  let client: OpenAI | undefined;
  before(async function () {
    this.timeout(30_000);
    corpora.forEach((corpus) => simulatorModel(corpus));
    server = await startFakeAnthropic(options);
    client = new OpenAI({ apiKey: options.openAi?.apiKey ?? 'local', baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterEach(() => server?.reset());
  after(() => server?.close());
  return {
    get server() {
      if (!server) throw new Error('the suite has not started its server yet');
      return server;
    },
    get client() {
      if (!client) throw new Error('the suite has not started its server yet');
      return client;
    },
  };
}
