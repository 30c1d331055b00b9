/**
 * The key store reads a key from secret storage once, not before every command (each read is a
 * round trip to the workbench), and reads it again once the secret changed, through Set API Key or
 * in another window. Secret storage here is a stand-in that counts reads and changes like VS Code's.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ApiKeyStore } from '../../src/endpoints/apiKeyStore';
import type { EndpointSettings } from '../../src/core/providers/endpointSettings';

const REMOTE: EndpointSettings = { name: 'remote-base', kind: 'completions', baseUrl: 'https://models.example/v1', prefillStyle: 'plain' };

/** Secret storage as another window sees it: values change under it, and it says which. */
class CountingSecrets implements vscode.SecretStorage {
  private readonly values = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;
  reads = 0;
  /** Holds reads until called, so a change can land while one is in flight. */
  hold: Promise<void> = Promise.resolve();

  async get(key: string): Promise<string | undefined> {
    this.reads++;
    const value = this.values.get(key);
    await this.hold;
    return value;
  }
  keys(): Promise<string[]> {
    return Promise.resolve([...this.values.keys()]);
  }
  store(key: string, value: string): Promise<void> {
    this.changeElsewhere(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.changeElsewhere(key, undefined);
    return Promise.resolve();
  }
  /** The secret set or removed as another window would: the value changes and the event says so. */
  changeElsewhere(key: string, value: string | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    this.changed.fire({ key });
  }
  onlyKey(): string {
    return [...this.values.keys()][0];
  }
}

describe('API keys: read from secret storage once, again when changed', () => {
  let secrets: CountingSecrets;
  let store: ApiKeyStore;
  beforeEach(() => {
    secrets = new CountingSecrets();
    store = new ApiKeyStore(secrets);
  });
  afterEach(() => store.dispose());

  it('reads a stored key once for any number of commands', async () => {
    await store.store(REMOTE, 'sk-first');
    const reads = secrets.reads;
    assert.deepEqual(await Promise.all([store.get(REMOTE), store.get(REMOTE), store.get(REMOTE)]), ['sk-first', 'sk-first', 'sk-first']);
    assert.equal(await store.get(REMOTE), 'sk-first');
    assert.equal(secrets.reads - reads, 1);
  });

  it('uses a key changed in another window, or removed there, in the next request', async () => {
    await store.store(REMOTE, 'sk-first');
    assert.equal(await store.get(REMOTE), 'sk-first');
    secrets.changeElsewhere(secrets.onlyKey(), 'sk-second');
    assert.equal(await store.get(REMOTE), 'sk-second');
    const id = secrets.onlyKey();
    secrets.changeElsewhere(id, undefined);
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      assert.equal(await store.get(REMOTE), undefined);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('does not keep a key read while it was being changed', async () => {
    await store.store(REMOTE, 'sk-first');
    let release = () => {};
    secrets.hold = new Promise((resolve) => (release = resolve));
    const inFlight = store.get(REMOTE);
    secrets.changeElsewhere(secrets.onlyKey(), 'sk-second');
    secrets.hold = Promise.resolve();
    release();
    assert.equal(await inFlight, 'sk-first', 'the read begun before the change answers as it was');
    assert.equal(await store.get(REMOTE), 'sk-second');
  });
});
