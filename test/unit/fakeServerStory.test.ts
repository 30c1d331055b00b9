import * as assert from 'node:assert/strict';
import type { MessagesRequestBody } from '../server/responder';
import { createStoryResponder, scriptedResponder, STORY, storyTokens } from '../server/storyResponder';

function request(prefill: string | undefined, temperature?: number, user = 'Tell me a story.'): MessagesRequestBody {
  const messages: MessagesRequestBody['messages'] = [{ role: 'user', content: user }];
  if (prefill !== undefined) {
    messages.push({ role: 'assistant', content: prefill });
  }
  return { model: 'm', max_tokens: 100, messages, temperature };
}

async function replyText(responder: ReturnType<typeof createStoryResponder>, body: MessagesRequestBody): Promise<string> {
  return (await responder(body)).tokens.join('');
}

describe('story responder', () => {
  it('has a long STORY with paragraphs and the UTF-8 edge cases tests rely on', () => {
    assert.ok(STORY.length > 3000);
    assert.ok(STORY.split('\n\n').length >= 8);
    for (const needle of ['“', '’', 'é', '🧵', '—', '…']) {
      assert.ok(STORY.includes(needle), `STORY lacks ${needle}`);
    }
    assert.doesNotMatch(STORY, /\s$/u);
  });

  it('tokenizes like BPE: words with their leading space, punctuation alone, newline runs alone', () => {
    assert.deepEqual(storyTokens('He said, “Go.”\n\nThe café 🧵 ok\nx'), [
      'He',
      ' said',
      ',',
      ' “',
      'Go',
      '.',
      '”',
      '\n\n',
      'The',
      ' café',
      ' 🧵',
      ' ok',
      '\n',
      'x',
    ]);
  });

  it('tokenizes losslessly', () => {
    for (const text of [STORY, '  two  spaces\t\ttabs \r\n\u00a0end ', '']) {
      assert.equal(storyTokens(text).join(''), text);
    }
    assert.ok(storyTokens(STORY).includes('\n\n'));
  });

  it('continues STORY from any prefix of it, at any temperature', async () => {
    const responder = createStoryResponder();
    const cut = STORY.indexOf('\n\n');

    assert.equal(await replyText(responder, request(undefined)), STORY);
    assert.equal(await replyText(responder, request('')), STORY);
    assert.equal(await replyText(responder, request(STORY.slice(0, cut))), STORY.slice(cut));
    assert.equal(await replyText(responder, request(STORY.slice(0, 10), 1)), STORY.slice(10));
    assert.equal(await replyText(responder, request(STORY)), '');
  });

  it('is deterministic at temperature 0 for another prefill, and depends on user text and prefill', async () => {
    const first = await replyText(createStoryResponder(), request('Elsewhere', 0));
    const again = await replyText(createStoryResponder(), request('Elsewhere'));
    const otherUser = await replyText(createStoryResponder(), request('Elsewhere', 0, 'Something else.'));
    const otherPrefill = await replyText(createStoryResponder(), request('Somewhere', 0));

    assert.equal(first, again);
    assert.notEqual(first, otherUser);
    assert.notEqual(first, otherPrefill);
    assert.match(first, /^ [A-Z][a-z]+[ ,]/);
    assert.match(first, /\.$/);
  });

  it('gives a different variant to each request above temperature 0', async () => {
    const responder = createStoryResponder();
    const replies = await Promise.all([1, 2, 3].map(() => replyText(responder, request('Elsewhere', 0.8))));

    assert.equal(new Set(replies).size, 3);
  });

  it('scripts replies in order, from text or tokens, and says when it runs out', async () => {
    const responder = scriptedResponder([{ text: 'One, two.' }, { tokens: ['A', 'B'] }]);

    assert.deepEqual((await responder(request(undefined))).tokens, ['One', ',', ' two', '.']);
    assert.deepEqual((await responder(request(undefined))).tokens, ['A', 'B']);
    assert.throws(() => responder(request(undefined)), /request 3 but only 2 replies were scripted/);
  });
});
