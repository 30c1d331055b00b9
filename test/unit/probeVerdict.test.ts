import * as assert from 'node:assert/strict';
import { pointVerdict, sampleIsConsistent } from '../../src/core/reproducibility/probeVerdict';

describe('probe consistency rule', () => {
  it('compares a sample with the original over their common length', () => {
    assert.equal(sampleIsConsistent(' I have', 'max_tokens', ' I have a fiver'), true);
    assert.equal(sampleIsConsistent(' the weaver', 'max_tokens', ' I have a fiver'), false);
    assert.equal(sampleIsConsistent(' ', 'max_tokens', ' I'), true);
    assert.equal(sampleIsConsistent('  I', 'max_tokens', ' I'), false);
  });

  it('accepts a sample that runs past where the original ended', () => {
    assert.equal(sampleIsConsistent(' bred." And then', 'max_tokens', ' bred."'), true);
    assert.equal(sampleIsConsistent(' bred."', 'end_turn', ' bred."'), true);
  });

  it('rejects a sample that ends of its own accord where the original went on', () => {
    assert.equal(sampleIsConsistent('', 'end_turn', ' I have'), false);
    assert.equal(sampleIsConsistent(' I', 'end_turn', ' I have'), false);
    assert.equal(sampleIsConsistent(' I', 'stop_sequence', ' I have'), false);
    assert.equal(sampleIsConsistent('', 'max_tokens', ' I have'), true);
  });

  it('gives a point its verdict from the samples that answered', () => {
    const ok = { consistent: true };
    const bad = { consistent: false };
    const failed = { consistent: false, error: '429' };
    assert.equal(pointVerdict([ok, ok]), 'consistent');
    assert.equal(pointVerdict([bad, bad]), 'divergent');
    assert.equal(pointVerdict([ok, bad]), 'mixed');
    assert.equal(pointVerdict([failed, failed]), 'failed');
    assert.equal(pointVerdict([failed, ok]), 'consistent');
    assert.equal(pointVerdict([failed, bad]), 'divergent');
  });
});
