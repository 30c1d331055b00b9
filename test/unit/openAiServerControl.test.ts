import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import OpenAI from 'openai';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { expectedChat, expectedTexts, requestSeeds } from '../server/openai/expected';
import { openAiServerSuite } from './openAiServerSuite';

const MAIN = path.resolve(__dirname, '..', 'server', 'main.js');
const ASK = { model: 'sim', max_tokens: 12, messages: [{ role: 'user' as const, content: 'Test' }, { role: 'assistant' as const, content: 'OK,' }] };

async function control(server: FakeAnthropic, name: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}/__control/${name}`, { method: 'POST', body: JSON.stringify(body) });
}

describe('fake server: the OpenAI-style routes scripted over the control API and the command line', () => {
  const suite = openAiServerSuite({}, ['mixed', 'stories']);

  it('switches corpus, chat prefill profile and quirks, and reset() restores them', async () => {
    assert.equal((await control(suite.server, 'corpus', { corpus: 'mixed' })).status, 200);
    assert.equal((await control(suite.server, 'chat-prefill', { profile: 'llamacpp-thinking' })).status, 200);
    await assert.rejects(suite.client.chat.completions.create({ ...ASK, seed: 1 }), /incompatible with enable_thinking/);
    assert.equal((await control(suite.server, 'chat-prefill', { profile: 'plain' })).status, 200);
    const reply = await suite.client.chat.completions.create({ ...ASK, seed: 1 });
    assert.equal(reply.choices[0].message.content, expectedTexts(expectedChat({ ...ASK, seed: 1 }, { corpus: 'mixed' }))[0]);
    assert.equal((await control(suite.server, 'quirks', { keepAliveComments: true })).status, 200);
    suite.server.reset();
    const restored = await suite.client.chat.completions.create({ ...ASK, seed: 1 });
    assert.equal(restored.choices[0].message.content, expectedTexts(expectedChat({ ...ASK, seed: 1 }))[0]);
  });

  it('refuses bad control bodies with a 400 naming the choices', async () => {
    for (const [name, body, pattern] of [
      ['corpus', { corpus: 'klingon' }, /stories, mixed/],
      ['chat-prefill', { profile: 'nope' }, /any, vllm/],
      ['quirks', { finishReason: 'sometimes' }, /onLastToken/],
    ] as const) {
      const response = await control(suite.server, name, body);
      assert.equal(response.status, 400);
      assert.match(await response.text(), pattern);
    }
  });

  it('main.js serves the OpenAI-style routes with --corpus, --seed, --openai-key and --chat-prefill', async function () {
    this.timeout(20_000);
    const child: ChildProcess = spawn(process.execPath, [MAIN, '--corpus', 'mixed', '--seed', '7', '--openai-key', 'sk-local-test', '--chat-prefill', 'prefix'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      for await (const chunk of child.stdout as NodeJS.ReadableStream) {
        out += String(chunk);
        if (out.includes('FAKE_OPENAI_BASE_URL=') && out.endsWith('\n')) break;
      }
      const baseURL = /FAKE_OPENAI_BASE_URL=(\S+)/.exec(out)![1];
      const standalone = new OpenAI({ apiKey: 'sk-local-test', baseURL, maxRetries: 0 });
      const prefixed = { ...ASK, messages: [ASK.messages[0], { ...ASK.messages[1], prefix: true }] };
      const reply = await standalone.chat.completions.create(prefixed as OpenAI.ChatCompletionCreateParamsNonStreaming);
      assert.equal(reply.choices[0].message.content, expectedTexts(expectedChat(prefixed, { corpus: 'mixed', seed: requestSeeds(7, 1)[0] }))[0]);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
