import * as assert from 'node:assert/strict';
import { runCli } from '../harness/commandLine';
import { CHAT_PREFILL_PROFILES, PREFILL_STYLES } from '../server/openai/chatPrefill';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';

// The command line on the OpenAI-style kinds, as a child process against the wire-compatible
// server's /v1/completions and /v1/chat/completions (the offline simulator behind both).

describe('prefill-loom continue --api completions|chat (command line)', function () {
  this.timeout(30_000);
  let server: FakeAnthropic;
  let base: string;
  before(async () => {
    server = await startFakeAnthropic({ openAi: { seed: 7 } });
    base = `${server.url}/v1`;
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const openAiRequests = () => server.requests.filter((r) => r.path !== '/v1/messages');

  it('sends a completions prompt exactly as read, trailing space kept, with no Authorization header', async () => {
    const prefill = 'Once upon a time, the old ';
    const run = await runCli(['continue', '--api', 'completions', '--base-url', base, '--model', 'simulator', '--max-tokens', '12'], prefill, {});
    assert.equal(run.status, 0, run.stderr + JSON.stringify(run.json));
    const [request] = openAiRequests();
    assert.equal(request.path, '/v1/completions');
    assert.equal((request.body as any).prompt, prefill);
    assert.equal((request.body as any).messages, undefined);
    assert.equal(request.headers.authorization, undefined);
    assert.equal(run.json.replaced, '');
    assert.ok(run.json.text.length > 0);
    assert.equal(run.json.requests[0].prefill, prefill);
    assert.equal(run.json.tokens, undefined);
  });

  it('sends OPENAI_API_KEY as a bearer token, and never ANTHROPIC_API_KEY', async () => {
    const run = await runCli(['continue', '--api', 'completions', '--base-url', base, '--max-tokens', '4'], 'The', { OPENAI_API_KEY: 'sk-openai', ANTHROPIC_API_KEY: 'sk-ant' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(openAiRequests()[0].headers.authorization, 'Bearer sk-openai');
    assert.ok(!JSON.stringify(openAiRequests()[0].headers).includes('sk-ant'));
  });

  it('auto-continues across finish_reason length, each prompt the previous one plus exactly what came back', async () => {
    const prefill = 'The lighthouse keeper ';
    const run = await runCli(['continue', '--api', 'completions', '--base-url', base, '--max-tokens', '5', '--max-total-tokens', '20'], prefill, {});
    assert.equal(run.status, 0, run.stderr);
    const prompts = openAiRequests().map((r) => (r.body as any).prompt as string);
    assert.ok(prompts.length >= 2, `expected several requests, got ${prompts.length}`);
    assert.equal(run.json.requests[0].stop_reason, 'length');
    assert.equal(prompts[0], prefill);
    prompts.slice(1).forEach((p, i) => assert.ok(p.startsWith(prompts[i]) && p.length > prompts[i].length, `prompt ${i + 2} extends prompt ${i + 1}`));
    assert.deepEqual(run.json.requests.map((r: any) => r.prefill), prompts);
    const lastPrompt = prompts.at(-1)!;
    assert.ok((prefill + run.json.text).startsWith(lastPrompt), 'the joined text extends the last prompt exactly');
  });

  it('prints every token with its logprob and alternatives under --logprobs, joined equal to text', async () => {
    const run = await runCli(['continue', '--api', 'completions', '--base-url', base, '--max-tokens', '8', '--logprobs', '3'], 'The sea was ', {});
    assert.equal(run.status, 0, run.stderr);
    assert.equal((openAiRequests()[0].body as any).logprobs, 3);
    const tokens = run.json.tokens as Array<{ text: string; logprob: number; top: Array<{ text: string; logprob: number }> }>;
    assert.ok(tokens.length > 0);
    assert.equal(tokens.map((t) => t.text).join(''), run.json.text);
    for (const t of tokens) {
      assert.equal(typeof t.logprob, 'number');
      assert.ok(t.top.length > 0 && t.top.length <= 3);
      assert.deepEqual(Object.keys(t).sort(), ['logprob', 'text', 'top']);
    }
  });

  it('asks chat for logprobs and top_logprobs and prints the tokens', async () => {
    const run = await runCli(['continue', '--api', 'chat', '--base-url', base, '--max-tokens', '8', '--logprobs', '2'], 'The sea was', {});
    assert.equal(run.status, 0, run.stderr);
    const body = openAiRequests()[0].body as any;
    assert.equal(body.logprobs, true);
    assert.equal(body.top_logprobs, 2);
    assert.equal((run.json.tokens as Array<{ text: string }>).map((t) => t.text).join(''), run.json.text);
  });

  for (const style of PREFILL_STYLES) {
    it(`continues the assistant text on a chat server that needs the ${style} style`, async () => {
      server.openAi.setChatPrefill(style === 'continue_final_message' ? CHAT_PREFILL_PROFILES.vllm : CHAT_PREFILL_PROFILES[style]);
      const prefill = 'The storm rolled in over the';
      const run = await runCli(['continue', '--api', 'chat', '--prefill-style', style, '--base-url', base, '--max-tokens', '10', '--user', 'Tell a story.'], prefill, {});
      assert.equal(run.status, 0, run.stderr);
      const body = openAiRequests()[0].body as any;
      assert.equal(body.messages.at(-1).role, 'assistant');
      assert.equal(body.messages.at(-1).content, prefill);
      assert.equal(body.messages.at(-2).content, 'Tell a story.');
      assert.ok(run.json.text.length > 0);
    });
  }

  it('exits 2 on an unknown prefill style before anything is sent', async () => {
    const run = await runCli(['continue', '--api', 'chat', '--prefill-style', 'assistant_prefix', '--base-url', base], 'x', {});
    assert.equal(run.status, 2);
    assert.match(run.json.error.cause, /--prefill-style must be one of continue_final_message, prefix, partial, plain/);
    assert.equal(server.requests.length, 0);
  });

  it('exits 2 on an unknown --api and on --logprobs with anthropic', async () => {
    const bad = await runCli(['continue', '--api', 'gemini', '--base-url', base], 'x', {});
    assert.equal(bad.status, 2);
    assert.match(bad.json.error.cause, /--api must be one of anthropic, completions, chat/);
    const anthropic = await runCli(['continue', '--logprobs', '2', '--base-url', server.url], 'x', { ANTHROPIC_API_KEY: 'k' });
    assert.equal(anthropic.status, 2);
    assert.equal(server.requests.length, 0);
  });

  it('names the cause and the fix when a chat server refuses the prefill', async () => {
    server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES['deepseek-reasoner']);
    const run = await runCli(['continue', '--api', 'chat', '--prefill-style', 'plain', '--base-url', base, '--max-tokens', '4'], 'So', {});
    assert.equal(run.status, 1);
    assert.match(run.json.error.cause, /does not accept an assistant prefill/);
    assert.match(run.json.error.next_step, /endpoint or model that can continue/);
  });

  it('probe accepts --api completions and sends each probe prompt exactly as written', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'loom-probe-')), 'completion.txt');
    writeFileSync(file, 'boat sailed on');
    const run = await runCli(['probe', '--api', 'completions', '--base-url', base, '--completion-file', file, '--probe-tokens', '3'], 'The ', {});
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.json.status, 'completed');
    const prompts = openAiRequests().map((r) => (r.body as any).prompt as string);
    assert.ok(prompts.length > 0);
    for (const p of prompts) assert.ok(p.startsWith('The boat') || p === 'The ', p);
  });
});
