import * as assert from 'node:assert/strict';
import { decodeDocumentText } from '../../src/core/conversation/documentText';

function decoded(bytes: Uint8Array | string): string {
  const result = decodeDocumentText(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  assert.ok(result.ok, JSON.stringify(result));
  return result.text;
}

function refusedAt(bytes: ArrayLike<number>): string {
  const result = decodeDocumentText(Uint8Array.from(bytes));
  assert.ok(!result.ok, 'refused');
  return /first bad byte at offset (\d+)/.exec(result.error)?.[1] ?? result.error;
}

describe('decodeDocumentText', () => {
  it('gives every line end the one most of the file uses, as the editor does on opening it', () => {
    assert.equal(decoded('a\r\nb\r\nc\nd'), 'a\r\nb\r\nc\r\nd');
    assert.equal(decoded('a\nb\nc\r\nd'), 'a\nb\nc\nd');
    assert.equal(decoded('a\rb\rc\nd'), 'a\r\nb\r\nc\r\nd', 'CR-only line ends count towards CRLF');
    assert.equal(decoded('a\rb\nc\nd'), 'a\nb\nc\nd');
    assert.equal(decoded('a\rb'), 'a\r\nb');
  });

  it('breaks a tie between CRLF and LF towards LF', () => {
    assert.equal(decoded('a\r\nb\nc'), 'a\nb\nc');
    assert.equal(decoded('a\rb\nc'), 'a\nb\nc');
  });

  it('keeps a file without line ends as it is, and an empty file empty', () => {
    assert.equal(decoded('one line, no end'), 'one line, no end');
    assert.equal(decoded(''), '');
  });

  it('drops a UTF-8 byte-order mark', () => {
    assert.equal(decoded('\uFEFFtext\n'), 'text\n');
  });

  it('refuses bytes that are not UTF-8, naming the first bad one', () => {
    assert.equal(refusedAt([0xff]), '0');
    assert.equal(refusedAt([0x41, 0xff]), '1');
    assert.equal(refusedAt([0x41, 0x42, 0x43, 0xff, 0x41, 0x42, 0x43, 0x44]), '3');
    assert.equal(refusedAt([0xc3, 0xa9, 0xc3, 0xa9, 0xff]), '4', 'after two-byte characters');
  });

  it('names the lead byte of a broken or cut-off character, not the byte after it', () => {
    assert.equal(refusedAt([0x41, 0xc3, 0x41]), '1', 'a lead byte followed by no continuation');
    assert.equal(refusedAt([0x41, 0xe2, 0x82]), '1', 'a character cut off by the end of the file');
  });

  it('finds the bad byte of a large file by halving, not by trying every shorter prefix', () => {
    // Decoding every prefix back from the end would read this file a million times over.
    const bytes = new Uint8Array(2_000_000).fill(0x41);
    bytes[1_000_000] = 0xff;
    assert.equal(refusedAt(bytes), '1000000');
  });

  it('tells how to fix it', () => {
    const result = decodeDocumentText(Uint8Array.from([0xff]));
    assert.ok(!result.ok);
    assert.match(result.error, /not valid UTF-8.*Convert it to UTF-8/);
  });
});
