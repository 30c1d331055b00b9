import * as assert from 'node:assert/strict';
import { splitTrailingWhitespace } from '../../src/core/conversation/prefill';

describe('splitTrailingWhitespace', () => {
  it('leaves a prefill without trailing whitespace untouched', () => {
    assert.deepEqual(splitTrailingWhitespace('Once upon a time'), { sent: 'Once upon a time', trailingWhitespace: '' });
  });

  it('splits off spaces, tabs, newlines and Unicode spaces, keeping inner whitespace', () => {
    assert.deepEqual(splitTrailingWhitespace('Hello  world \t\n\u00a0\u2028'), { sent: 'Hello  world', trailingWhitespace: ' \t\n\u00a0\u2028' });
  });

  it('treats an all-whitespace prefill as empty', () => {
    assert.deepEqual(splitTrailingWhitespace('\n\n  '), { sent: '', trailingWhitespace: '\n\n  ' });
  });

  it('always reassembles to the original text', () => {
    for (const text of ['', 'a', 'a ', ' a', 'a\r\n', '😀 ', 'x\n\ny\n\n']) {
      const { sent, trailingWhitespace } = splitTrailingWhitespace(text);
      assert.equal(sent + trailingWhitespace, text);
      assert.equal(sent, sent.trimEnd());
    }
  });
});
