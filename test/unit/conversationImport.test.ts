import * as assert from 'node:assert/strict';
import { importConversation, newLoomDocument } from '../../src/core/conversation/conversationImport';
import { parseDocumentHeader } from '../../src/core/conversation/documentHeader';

/** Imports `json` and reads the document back the way a request would. */
function imported(json: unknown) {
  const result = importConversation(typeof json === 'string' ? json : JSON.stringify(json));
  assert.ok('document' in result, JSON.stringify(result));
  const header = parseDocumentHeader(result.document);
  assert.deepEqual(header.diagnostics, [], result.document);
  return { fields: header.fields, body: result.document.slice(header.bodyOffset), result };
}

describe('importConversation', () => {
  it('turns an Anthropic messages array into a header, the last assistant turn into the body', () => {
    const { fields, body } = imported([
      { role: 'user', content: 'One' },
      { role: 'assistant', content: [{ type: 'text', text: 'Two' }] },
      { role: 'user', content: [{ type: 'text', text: 'Three, ' }, { type: 'text', text: 'in parts' }] },
      { role: 'assistant', content: 'The reply so far' },
    ]);
    assert.deepEqual(fields.messages, [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three, in parts' },
    ]);
    assert.equal(body, 'The reply so far');
  });

  it('takes a whole Anthropic request body, with its system prompt and model', () => {
    const { fields, body } = imported({ model: 'claude-haiku-4-5', system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: 'Hi' }] });
    assert.deepEqual(fields, { model: 'claude-haiku-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(body, '');
  });

  it('turns an OpenAI chat messages array into a header, system messages into system', () => {
    const { fields, body } = imported({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'One' }] },
        { role: 'assistant', content: 'Two' },
        { role: 'user', content: 'Three' },
        { role: 'assistant', content: 'Partial' },
      ],
    });
    assert.deepEqual(fields, {
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'Two' },
        { role: 'user', content: 'Three' },
      ],
    });
    assert.equal(body, 'Partial');
  });

  it('keeps multi-line text and text YAML would misread exactly', () => {
    const turns = [
      { role: 'user', content: 'Line one\n\nLine: two # not a comment\n' },
      { role: 'assistant', content: '---\n*alias &anchor !tag' },
      { role: 'user', content: 'null' },
    ];
    const { fields } = imported([...turns, { role: 'assistant', content: 'Body\n---\nmore' }]);
    assert.deepEqual(fields.messages, turns);
  });

  it('joins consecutive turns of one role, as the header asks them to alternate', () => {
    const { fields } = imported([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
    assert.deepEqual(fields.messages, [{ role: 'user', content: 'a\n\nb' }]);
  });

  it('takes developer messages as system ones, joining several with a blank line', () => {
    const { fields } = imported([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Be kind.' }] },
      { role: 'user', content: 'Hi' },
    ]);
    assert.deepEqual(fields, { system: 'Be brief.\n\nBe kind.', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('leaves out a model that is not text or is blank, rather than writing a header that cannot be sent', () => {
    for (const model of [42, '', '  ', null]) {
      const { fields } = imported({ model, messages: [{ role: 'user', content: 'Hi' }] });
      assert.deepEqual(fields, { messages: [{ role: 'user', content: 'Hi' }] }, JSON.stringify(model));
    }
  });

  const refused: Array<[string, string, RegExp]> = [
    ['text that is not JSON', 'hello', /not JSON/],
    ['an empty array', '[]', /no messages/],
    ['a first assistant turn', '[{"role":"assistant","content":"x"}]', /first .* user/],
    ['an unknown role', '[{"role":"tool","content":"x"}]', /role "tool"/],
    ['an image', '[{"role":"user","content":[{"type":"image","source":{}}]}]', /only text/],
    ['a blank turn', '[{"role":"user","content":"  "}]', /message 1 .*blank/],
    ['an object without messages', '{"model":"m"}', /messages array/],
    ['only a system message', '[{"role":"system","content":"Be brief."}]', /first message \(after any system message\) must be a user message/],
    ['a message that is not an object', '[{"role":"user","content":"a"},"hi"]', /^Message 2 is not an object with "role" and "content"\.$/],
    ['a null message', '[null]', /^Message 1 is not an object/],
    ['a message that is an array', '[["user","hi"]]', /^Message 1 is not an object/],
    ['content that is neither text nor blocks', '[{"role":"user","content":5}]', /^The content of message 1 is neither text nor a list of text blocks\.$/],
    ['a block that is not an object', '[{"role":"user","content":["hi"]}]', /^The content of message 1 holds a block of type a non-object; only text/],
    ['a text block without text', '[{"role":"user","content":[{"type":"text"}]}]', /block of type "text"; only text/],
    ['an image block that also has text', '[{"role":"user","content":[{"type":"image","text":"x"}]}]', /block of type "image"/],
    ['an image in the second message', '[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"image"}]}]', /content of message 2 holds/],
    ['a blank system prompt', '{"system":" ","messages":[{"role":"user","content":"a"}]}', /^The system prompt is blank; a header cannot hold a blank one\. Remove "system" and import again\.$/],
    ['an empty list of system blocks', '{"system":[],"messages":[{"role":"user","content":"a"}]}', /system prompt is blank/],
    ['a system prompt that is not text', '{"system":[{"type":"image"}],"messages":[{"role":"user","content":"a"}]}', /^The content of the system prompt holds a block of type "image"/],
  ];
  for (const [name, json, message] of refused) {
    it(`refuses ${name} with a message naming the cause`, () => {
      const result = importConversation(json);
      assert.ok('problem' in result);
      assert.match(result.problem, message);
    });
  }
});

describe('newLoomDocument', () => {
  it('starts with a header of system and messages that parses without a problem', () => {
    const document = newLoomDocument();
    const header = parseDocumentHeader(document);
    assert.deepEqual(header.diagnostics, []);
    assert.ok(header.fields.system);
    assert.equal(header.fields.messages?.[0].role, 'user');
    assert.equal(document.slice(header.bodyOffset), '');
  });

  it('writes the model it is given into the header', () => {
    const header = parseDocumentHeader(newLoomDocument('claude-haiku-4-5'));
    assert.deepEqual(header.diagnostics, []);
    assert.equal(header.fields.model, 'claude-haiku-4-5');
    assert.equal(parseDocumentHeader(newLoomDocument()).fields.model, undefined);
  });
});
