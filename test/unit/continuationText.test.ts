import * as assert from 'node:assert/strict';
import { ContinuationText, type ContinuationEdit } from '../../src/core/generation/continuationText';

/** Applies edits the way the editor does: the document after the sent prefill. */
function simulate(documentTrailing: string) {
  const edits: ContinuationEdit[] = [];
  let doc = documentTrailing;
  const text = new ContinuationText(documentTrailing, (e) => {
    edits.push(e);
    doc = doc.slice(0, doc.length - e.replace) + e.text;
  });
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
});
