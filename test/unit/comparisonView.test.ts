import * as assert from 'node:assert/strict';
import { comparisonView } from '../../src/webviews/comparisonView';
import { compareTexts } from '../../src/core/reproducibility/textDivergence';
import type { ComparisonRun } from '../../src/webviews/webviewProtocol';
import { seededRandom } from '../server/random';

/** The side of a comparison the runs spell, gaps as the number of characters they stand for. */
function spelled(runs: readonly ComparisonRun[], side: 'removed' | 'added'): { text: string; gaps: number } {
  let text = '';
  let gaps = 0;
  for (const run of runs) {
    if (run.kind === 'elided') gaps += run.length;
    else if (run.kind === 'same' || run.kind === side) text += run.text;
  }
  return { text, gaps };
}

describe('the comparison as the loom view shows it', () => {
  it('passes a short comparison through whole', () => {
    const view = comparisonView('r', 'o', 'g', compareTexts(', and I have a fiver', ', and the weaver said'));
    assert.equal(view.firstDivergence, 6);
    assert.equal(view.divergenceCount, 1);
    assert.equal(spelled(view.runs, 'removed').text, ', and I have a fiver');
    assert.equal(spelled(view.runs, 'added').text, ', and the weaver said');
  });

  it('cuts long shared stretches to their ends, and accounts for every character left out', () => {
    const random = seededRandom(5);
    const words = ['the', 'old', 'woman', 'nodded', 'and', 'a', 'fiver', '🦊', 'it', 'was', 'late'];
    for (let round = 0; round < 50; round++) {
      const text = Array.from({ length: 400 }, () => words[Math.floor(random() * words.length)]).join(' ');
      const at = Math.floor(random() * text.length);
      const other = text.slice(0, at) + ' weaver ' + text.slice(at + 5);
      const view = comparisonView('r', 'o', 'g', compareTexts(text, other));
      for (const [side, full] of [['removed', text], ['added', other]] as const) {
        const { text: shown, gaps } = spelled(view.runs, side);
        assert.ok(shown.length < full.length, 'long shared text is cut');
        assert.equal(shown.length + gaps, full.length, 'every left-out character is counted');
      }
      for (const run of view.runs) {
        if (run.kind === 'elided') continue;
        assert.ok(!/[\ud800-\udbff]$/.test(run.text) && !/^[\udc00-\udfff]/.test(run.text), 'no run splits a surrogate pair');
      }
      assert.ok(view.runs.some((r) => r.kind === 'added' && r.text.includes('weaver')), 'the divergence itself is always shown');
    }
  });
});
