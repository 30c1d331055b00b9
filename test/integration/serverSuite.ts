import type { FakeAnthropic } from '../server/fakeAnthropic';
import type { Responder } from '../server/responder';
import { closeAllEditors, setSetting, startServerForExtension } from './loomTestKit';
import { ShownMessages } from './shownMessages';

/** What {@link serverSuite} gives a suite's tests: its server, and the messages shown in the current test. */
export interface ServerSuite {
  readonly server: FakeAnthropic;
  readonly shown: ShownMessages;
}

/**
 * The hooks the fault, security and divergence suites share: before the suite, a test server the
 * extension points at (answering with `responder`, the story by default) and the `prefillLoom.*`
 * settings given; for each test, a recorder that answers the messages shown; after each test, the
 * server reset and every editor closed; after the suite, those settings cleared and the server
 * closed. A suite adds hooks of its own for anything more (they run after these).
 */
export function serverSuite(settings: Readonly<Record<string, unknown>>, responder?: Responder): ServerSuite {
  let server: FakeAnthropic | undefined;
  let shown: ShownMessages | undefined;
  before(async () => {
    server = await startServerForExtension(responder);
    for (const [name, value] of Object.entries(settings)) await setSetting(name, value);
  });
  beforeEach(() => {
    shown = new ShownMessages();
  });
  afterEach(async () => {
    shown?.dispose();
    server?.reset();
    await closeAllEditors();
  });
  after(async () => {
    for (const name of [...Object.keys(settings), 'baseUrl']) await setSetting(name, undefined);
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the suite has not started its server yet');
      return server;
    },
    get shown() {
      if (!shown) throw new Error('messages are recorded only while a test runs');
      return shown;
    },
  };
}
