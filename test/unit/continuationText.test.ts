import * as assert from 'node:assert/strict';
import { ContinuationText, type ContinuationEdit, type LineEnding } from '../../src/core/generation/continuationText';

/** Applies edits the way the editor does: the document after the sent prefill. */
function simulate(documentTrailing: string, lineEnding?: LineEnding) {
  const edits: ContinuationEdit[] = [];
  let doc = documentTrailing;
  const text = new ContinuationText(documentTrailing, (e) => {
    edits.push(e);
    doc = doc.slice(0, doc.length - e.replace) + e.text;
  }, lineEnding);
  return { text, edits, doc: () => doc };
}

describe('ContinuationText', () => {
  it('shows deltas as they come when they do not end in whitespace', () => {
    const s = simulate('');
    s.text.append('Hello');
    s.text.append(' world');
    assert.deepEqual(s.edits, [
      { replace: 0, text: 'Hello' },
      { replace: 0, text: ' world' },
    ]);
    s.text.finish();
    assert.equal(s.doc(), 'Hello world');
  });

  it('holds the high half of a surrogate pair split between deltas until the low half comes', () => {
    const s = simulate('');
    s.text.append('Sun \ud83c');
    assert.equal(s.doc(), 'Sun');
    s.text.append('\udf1e up');
    assert.equal(s.doc(), 'Sun \u{1F31E} up');
    assert.ok(s.edits.every((e) => !/[\ud800-\udbff]$|^[\udc00-\udfff]/.test(e.text)), 'no edit splits the pair');
  });

  it('drops a high surrogate whose low half never came, keeping the whitespace before it', () => {
    const s = simulate('');
    s.text.append('Sun \ud83c');
    s.text.finish();
    assert.equal(s.doc(), 'Sun ');
    assert.equal(s.text.text, 'Sun ');
  });

  for (const deltas of [['Sun', '\ud83c'], ['Sun', '  \ud83c']]) {
    it(`leaves no half character when the stream ends after the high half of a pair (${JSON.stringify(deltas)})`, () => {
      const s = simulate('');
      for (const d of deltas) s.text.append(d);
      s.text.finish();
      const expected = deltas.join('').slice(0, -1);
      assert.equal(s.doc(), expected);
      assert.equal(s.text.text, expected);
    });
  }

  it('holds trailing whitespace until text follows it', () => {
    const s = simulate('');
    s.text.append('Hello');
    s.text.append('\n\n');
    assert.equal(s.doc(), 'Hello');
    s.text.append('World');
    assert.equal(s.doc(), 'Hello\n\nWorld');
  });

  it('shows held whitespace when the generation ends', () => {
    const s = simulate('');
    s.text.append('Done. ');
    s.text.finish();
    assert.equal(s.doc(), 'Done. ');
    assert.equal(s.text.text, 'Done. ');
  });

  it("replaces the prefill's trailing whitespace with the first text, once", () => {
    const s = simulate('  ');
    s.text.append(' world');
    s.text.append('!');
    assert.equal(s.doc(), ' world!');
    assert.equal(s.text.replaced, '  ');
    assert.deepEqual(s.edits[0], { replace: 2, text: ' world' });
    assert.equal(s.edits[1].replace, 0);
  });

  it("keeps the prefill's trailing whitespace when nothing arrives", () => {
    const s = simulate('\n');
    s.text.finish();
    assert.equal(s.doc(), '\n');
    assert.equal(s.text.replaced, '');
    assert.equal(s.edits.length, 0);
  });

  it('drops held whitespace when the next response continues the text (auto-continue join)', () => {
    const s = simulate('');
    s.text.append('First part.');
    s.text.append('\n\n');
    s.text.continueWithNextResponse();
    // The follow-up prefill had no trailing whitespace, so the model says it again itself.
    s.text.append('\n\nSecond part.');
    s.text.finish();
    assert.equal(s.doc(), 'First part.\n\nSecond part.');
  });

  it('shows held whitespace if the follow-up response brings nothing', () => {
    const s = simulate('');
    s.text.append('Cut here ');
    s.text.continueWithNextResponse();
    s.text.finish();
    assert.equal(s.doc(), 'Cut here ');
  });

  it('never shows text that later disappears: the shown text only grows', () => {
    const s = simulate(' ');
    const pieces = ['A', ' ', 'b', '\n', '\n', 'c', ' ', ' '];
    let previous = '';
    for (const p of pieces) {
      s.text.append(p);
      assert.ok(s.text.text.startsWith(previous));
      previous = s.text.text;
    }
    s.text.finish();
    assert.equal(s.doc(), 'A b\n\nc  ');
  });

  describe('astral characters and code units above the surrogates at the end', () => {
    for (const deltas of [['Done ', '😀'], ['Done', ' 😀'], ['Done ', '！'], ['Done ', '\uffff'], ['Done \ud83d', '\ude00']]) {
      it(`shows ${JSON.stringify(deltas)} whole at the finish`, () => {
        const s = simulate('');
        for (const d of deltas) s.text.append(d);
        s.text.finish();
        assert.equal(s.doc(), deltas.join(''));
        assert.equal(s.text.text, deltas.join(''));
      });
    }
  });

  describe("line breaks in the document's line ending", () => {
    it('turns \\n, \\r\\n and a lone \\r into \\r\\n for a CRLF document', () => {
      const s = simulate('', '\r\n');
      s.text.append('x\ny');
      s.text.append('z\r\nw\rv');
      s.text.finish();
      assert.equal(s.doc(), 'x\r\nyz\r\nw\r\nv');
      assert.equal(s.text.text, s.doc());
    });

    it('turns \\r\\n into \\n for an LF document, and a \\r\\n split between deltas into one line break', () => {
      const s = simulate('', '\n');
      s.text.append('one\r');
      assert.equal(s.doc(), 'one', 'a \\r at the end waits: a \\n may follow');
      s.text.append('\ntwo\r\n');
      s.text.append('three');
      s.text.finish();
      assert.equal(s.doc(), 'one\ntwo\nthree');
    });

    it('shows a \\r held at the finish as one line break', () => {
      const s = simulate('', '\r\n');
      s.text.append('end\r');
      s.text.finish();
      assert.equal(s.doc(), 'end\r\n');
    });

    it('keeps line breaks as sent when no line ending is given', () => {
      const s = simulate('');
      s.text.append('a\r\nb\nc');
      s.text.finish();
      assert.equal(s.doc(), 'a\r\nb\nc');
    });
  });
});
