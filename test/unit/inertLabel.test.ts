import * as assert from 'node:assert/strict';
import { inertLabel } from '../../src/core/shared/inertLabel';

describe('quick pick labels from model text', () => {
  it('escapes what VS Code would draw as an icon, and nothing else', () => {
    assert.equal(inertLabel('run $(alert) now'), 'run \\$(alert) now');
    assert.equal(inertLabel('$(sync~spin)'), '\\$(sync~spin)');
    assert.equal(inertLabel('costs $5 (or $(6'), 'costs $5 (or $(6');
    assert.equal(inertLabel('already \\$(x)'), 'already \\$(x)');
  });
});
