/**
 * Add Endpoint's presets and the README's endpoints table say the same: each server's kinds, base
 * URL, prefill style and whether it gives probabilities, and the custom server for any other.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENDPOINT_PRESETS } from '../../src/core/providers/endpointPresets';
import { isLocalEndpoint, validateEndpoints } from '../../src/core/providers/endpointSettings';

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

/** The endpoints table's rows, by server name: kind, base URL, prefill style, probabilities. */
function tableRows(): Map<string, string[]> {
  const section = README.slice(README.indexOf('## Endpoints'));
  const rows = section.slice(section.indexOf('| Server |')).split('\n');
  const table = rows.slice(2, rows.findIndex((line) => !line.startsWith('|')));
  return new Map(table.map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim())).map(([name, ...cells]) => [name, cells]));
}

describe('Add Endpoint presets and the README', () => {
  it('offers a custom server for any OpenAI-style base URL, both kinds, the prefill style chosen', () => {
    const custom = ENDPOINT_PRESETS.filter((p) => p.custom);
    assert.equal(custom.length, 1);
    assert.deepEqual([...custom[0].kinds].sort(), ['chat', 'completions']);
    assert.equal(custom[0].baseUrl, '');
  });

  it('lists every preset in the endpoints table with its kinds, base URL, prefill style and probabilities', () => {
    const rows = tableRows();
    for (const preset of ENDPOINT_PRESETS) {
      const row = rows.get(preset.label);
      assert.ok(row, `a row for ${preset.label}`);
      if (preset.custom) {
        assert.deepEqual(row, ['completions or chat (you choose)', 'any OpenAI-style base URL', 'you choose', 'you choose']);
        continue;
      }
      const [kinds, baseUrl, style, probabilities] = row;
      assert.equal(kinds, preset.kinds.join(', '), `${preset.label}: kinds`);
      assert.equal(baseUrl, `\`${preset.baseUrl}\``, `${preset.label}: base URL`);
      assert.equal(style, `\`${preset.prefillStyle}\``, `${preset.label}: prefill style`);
      assert.match(probabilities, preset.logprobs ? /^yes\b/ : /^no\b/, `${preset.label}: probabilities`);
    }
    assert.equal(rows.size, ENDPOINT_PRESETS.length, 'no row without a preset');
  });

  it('marks as local exactly the presets whose server is on this machine (no key is asked for those), and not the custom one', () => {
    for (const preset of ENDPOINT_PRESETS) {
      assert.equal(preset.local, isLocalEndpoint(preset), preset.label);
    }
  });

  it('suggests endpoint names the settings accept, none used twice (with the -chat one Add Endpoint makes of a two-route server)', () => {
    const entries = ENDPOINT_PRESETS.flatMap((p) => {
      const baseUrl = p.custom ? 'http://127.0.0.1:8000/v1' : p.baseUrl;
      const names = p.kinds.length > 1 ? [p.suggestedName, `${p.suggestedName}-chat`] : [p.suggestedName];
      return names.map((name) => ({ name, kind: p.kinds[0], baseUrl }));
    });
    assert.deepEqual(validateEndpoints(entries, 'https://api.anthropic.com').problems, []);
  });

  it('says what happens on a model that refuses a prefill, and the way out', () => {
    assert.match(README, /\*\*A model that refuses a prefill\*\*[\s\S]{0,400}Pick an endpoint or model that can continue/);
  });
});
