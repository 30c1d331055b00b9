import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { BASE_ENDPOINT, BASE_MODEL_BODY, demoEndpoints, MIXED_ENDPOINT, writeWorkspace } from '../../scripts/demoServer';
import { expectedCompletion, expectedTexts } from '../server/openai/expected';
import { openAiServerSuite } from './openAiServerSuite';

/** The document's body: what follows the header's closing `---` line. */
function body(text: string): string {
  return text.slice(text.indexOf('\n---\n') + '\n---\n'.length);
}

describe('the demo workspace', () => {
  const suite = openAiServerSuite();
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefill-loom-demo-'));
    writeWorkspace(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has a base-model document on the completions endpoint, whose trailing space the route continues as written', async () => {
    const text = fs.readFileSync(path.join(dir, 'base-model.md'), 'utf8');
    assert.match(text, new RegExp(`^endpoint: ${BASE_ENDPOINT}$`, 'm'));
    assert.equal(body(text), BASE_MODEL_BODY);
    assert.ok(BASE_MODEL_BODY.endsWith(' '));
    const [endpoint] = demoEndpoints(suite.server.url, suite.server.url) as Array<{ name: string; kind: string; baseUrl: string; model: string }>;
    assert.deepEqual([endpoint.name, endpoint.kind, endpoint.baseUrl], [BASE_ENDPOINT, 'completions', `${suite.server.url}/v1`]);
    const client = new OpenAI({ apiKey: 'local', baseURL: endpoint.baseUrl, maxRetries: 0 });
    const request = { model: endpoint.model, prompt: body(text), max_tokens: 20, temperature: 1, seed: 3 };
    const reply = await client.completions.create(request);
    assert.equal(reply.choices[0].text, expectedTexts(expectedCompletion(request))[0]);
    assert.equal((suite.server.requests[0].body as { prompt: string }).prompt, BASE_MODEL_BODY);
  });

  it('has a distribution document on the mixed-script chat endpoint', () => {
    const text = fs.readFileSync(path.join(dir, 'distribution.md'), 'utf8');
    assert.match(text, new RegExp(`^endpoint: ${MIXED_ENDPOINT}$`, 'm'));
    assert.equal(body(text), 'OK,');
    const endpoints = demoEndpoints('http://127.0.0.1:1', 'http://127.0.0.1:2') as Array<{ name: string; kind: string; prefillStyle?: string }>;
    assert.deepEqual(endpoints[1], { ...endpoints[1], name: MIXED_ENDPOINT, kind: 'chat', prefillStyle: 'continue_final_message' });
  });
});
