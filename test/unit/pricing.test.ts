import * as assert from 'node:assert/strict';
import { costUsd, formatUsd, priceFor, PRICES_AS_OF, PRICES_SOURCE } from '../../src/core/shared/pricing';
import pricesJson from '../../src/core/shared/prices.json';

/** Dollar amounts are sums of float products; compare them to a millionth of a cent. */
function assertUsd(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined, 'expected a cost');
  assert.ok(Math.abs(actual - expected) < 1e-8, `${actual} ≠ ${expected}`);
}

describe('priceFor', () => {
  // Figures from Anthropic's pricing table (USD per million tokens).
  const listed: Array<[string, number, number, number, number, number]> = [
    // model, input, output, 5m cache write, 1h cache write, cache read
    ['claude-opus-4-5', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-4-6', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-4-1', 15, 75, 18.75, 30, 1.5],
    ['claude-opus-4', 15, 75, 18.75, 30, 1.5],
    ['claude-sonnet-4-5', 3, 15, 3.75, 6, 0.3],
    ['claude-sonnet-4-6', 3, 15, 3.75, 6, 0.3],
    ['claude-sonnet-4', 3, 15, 3.75, 6, 0.3],
    ['claude-haiku-4-5', 1, 5, 1.25, 2, 0.1],
    ['claude-3-7-sonnet', 3, 15, 3.75, 6, 0.3],
    ['claude-3-5-haiku', 0.8, 4, 1, 1.6, 0.08],
    ['claude-3-opus', 15, 75, 18.75, 30, 1.5],
    ['claude-3-haiku', 0.25, 1.25, 0.3, 0.5, 0.03],
    ['claude-opus-5', 5, 25, 6.25, 10, 0.5],
    ['claude-opus-5-5', 4, 20, 5, 8, 0.2],
    ['claude-sonnet-5', 2, 10, 2.5, 4, 0.2],
    ['claude-fable-5-1', 10, 50, 12.5, 20, 0.25],
  ];
  for (const [model, input, output, write5m, write1h, read] of listed) {
    it(`knows ${model}`, () => {
      assert.deepEqual(priceFor(model), {
        model,
        inputPerMTok: input,
        outputPerMTok: output,
        cacheWrite5mPerMTok: write5m,
        cacheWrite1hPerMTok: write1h,
        cacheReadPerMTok: read,
      });
    });
  }

  it('resolves dated snapshots, -latest pointers and the -0 aliases', () => {
    assert.equal(priceFor('claude-3-5-haiku-20241022')?.model, 'claude-3-5-haiku');
    assert.equal(priceFor('claude-sonnet-4-5-20250929')?.model, 'claude-sonnet-4-5');
    assert.equal(priceFor('claude-haiku-4-5-20251001')?.inputPerMTok, 1);
    assert.equal(priceFor('claude-opus-4-1-20250805')?.outputPerMTok, 75);
    assert.equal(priceFor('claude-opus-4-20250514')?.model, 'claude-opus-4');
    assert.equal(priceFor('claude-3-5-sonnet-20240620')?.model, 'claude-3-5-sonnet');
    assert.equal(priceFor('claude-3-7-sonnet-latest')?.model, 'claude-3-7-sonnet');
    assert.equal(priceFor('claude-opus-4-0')?.model, 'claude-opus-4');
    assert.equal(priceFor('claude-sonnet-4-0')?.model, 'claude-sonnet-4');
    assert.equal(priceFor('  Claude-Haiku-4-5 ')?.model, 'claude-haiku-4-5');
  });

  it('does not guess prices for unknown models', () => {
    for (const model of ['claude-opus-4-9', 'claude-opus-4-5x', 'claude-opus', 'gpt-5', '', 'constructor', '__proto__', 'claude-sonnet-4-5-2025', 'claude-3-5-latest-haiku']) {
      assert.equal(priceFor(model), undefined, model);
    }
  });

  it('records where its figures come from', () => {
    assert.match(PRICES_SOURCE, /platform\.claude\.com/);
    assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('has only positive, finite prices and aliases that resolve', () => {
    for (const [model, entry] of Object.entries(pricesJson.models)) {
      for (const value of Object.values(entry)) {
        if (typeof value === 'number') assert.ok(Number.isFinite(value) && value > 0, model);
      }
      assert.ok(entry.output > entry.input, `${model}: output costs more than input`);
    }
    for (const target of Object.values(pricesJson.aliases)) assert.ok(priceFor(target), target);
  });
});

describe('costUsd', () => {
  it('prices input and output', () => {
    assertUsd(costUsd('claude-sonnet-4-5', { input_tokens: 1_000_000, output_tokens: 1_000_000 }), 18);
    assertUsd(costUsd('claude-haiku-4-5-20251001', { input_tokens: 1200, output_tokens: 350 }), 0.0012 + 0.00175);
    assertUsd(costUsd('claude-opus-4-1', { input_tokens: 10, output_tokens: 0 }), 0.00015);
  });

  it('prices cache writes at 1.25x and reads at 0.1x input', () => {
    const usage = { input_tokens: 100, output_tokens: 200, cache_creation_input_tokens: 10_000, cache_read_input_tokens: 50_000 };
    // 100 × $3 + 200 × $15 + 10,000 × $3.75 + 50,000 × $0.30, per million.
    assertUsd(costUsd('claude-sonnet-4-5', usage), (300 + 3000 + 37_500 + 15_000) / 1e6);
  });

  it('prices 1-hour cache writes at 2x when the split is reported', () => {
    const usage = {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 3000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
    };
    assertUsd(costUsd('claude-opus-4-5', usage), (1000 * 6.25 + 2000 * 10) / 1e6);
  });

  it('uses the table where cache prices are not the usual multiples', () => {
    const usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 1_000_000, cache_read_input_tokens: 1_000_000 };
    assertUsd(costUsd('claude-3-haiku-20240307', usage), 0.3 + 0.03);
    assertUsd(costUsd('claude-fable-5-1', { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 1_000_000 }), 0.25);
  });

  it('treats null, missing and nonsense counts as zero', () => {
    const usage = { input_tokens: 1000, output_tokens: Number.NaN, cache_creation_input_tokens: null, cache_read_input_tokens: -5, cache_creation: null };
    assertUsd(costUsd('claude-haiku-4-5', usage), 0.001);
    assertUsd(costUsd('claude-haiku-4-5', { input_tokens: 0, output_tokens: 0 }), 0);
    // JSON reads an overflowing count (1e400) as Infinity, which would make the whole cost infinite.
    assertUsd(costUsd('claude-haiku-4-5', { input_tokens: 1000, output_tokens: Number.POSITIVE_INFINITY }), 0.001);
  });

  it('is undefined for a model without a price', () => {
    assert.equal(costUsd('my-proxy-model', { input_tokens: 1, output_tokens: 1 }), undefined);
  });
});

describe('formatUsd', () => {
  const cases: Array<[number, string]> = [
    [0, '$0.00'],
    [0.0123, '$0.0123'],
    [0.01234567, '$0.0123'],
    [0.5, '$0.50'],
    [0.123456, '$0.123'],
    [0.01, '$0.01'],
    [0.000015, '$0.000015'],
    [0.00000025, '<$0.000001'],
    [0.0999999, '$0.10'],
    [0.9999, '$1.00'],
    [1, '$1.00'],
    [12.3456, '$12.35'],
    [1234.5, '$1,234.50'],
    [12345, '$12,345.00'],
    [1234567.891, '$1,234,567.89'],
    [0.005, '$0.005'],
    [0.000001, '$0.000001'],
    [-0.0123, '-$0.0123'],
    [Number.NaN, '$?'],
  ];
  for (const [n, text] of cases) {
    it(`shows ${n} as ${text}`, () => assert.equal(formatUsd(n), text));
  }
});
