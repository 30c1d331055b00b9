import * as assert from 'node:assert/strict';
import type { ProbeReport } from '../../src/core/reproducibility/prefillProbe';
import { prefillTailCell, probeReportMarkdown, summarizeProbe } from '../../src/core/reproducibility/probeReport';

const NODE = ' OK, I will | check `this`';

const REPORT: ProbeReport = {
  model: 'claude-haiku-4-5',
  params: { model: 'claude-haiku-4-5', user: 'Test', temperature: 0, max_tokens: 1024 },
  split: 'word',
  samples: 2,
  probeTokens: 4,
  basePrefillLength: 0,
  nodeText: NODE,
  points: [
    { offset: 3, expected: ', I will', samples: [{ text: ', I', consistent: true, stopReason: 'max_tokens' }, { text: ', I', consistent: true, stopReason: 'max_tokens' }], verdict: 'consistent' },
    {
      offset: 4,
      expected: ' I will |',
      samples: [
        { text: ' ', consistent: true, stopReason: 'max_tokens' },
        { text: '\n\nSure', consistent: false, stopReason: 'max_tokens' },
      ],
      verdict: 'mixed',
      divergesAt: 4,
    },
    { offset: 9, expected: ' will', samples: [{ text: '', consistent: false, stopReason: null, error: 'Rate limited | twice' }, { text: '', consistent: false, stopReason: null, error: 'Rate limited | twice' }], verdict: 'failed' },
    { offset: 20, expected: '`this`', samples: [{ text: '`that`', consistent: false, stopReason: 'max_tokens' }, { text: '`that`', consistent: false, stopReason: 'max_tokens' }], verdict: 'divergent', divergesAt: 22 },
  ],
  usage: { input_tokens: 1000, output_tokens: 24 },
  costUsd: 0.00112,
  cancelled: false,
};

/** The cells of a GFM table row, splitting on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

describe('probe report', () => {
  it('counts the verdicts', () => {
    assert.deepEqual(summarizeProbe(REPORT.points), { points: 4, consistent: 1, divergent: 1, mixed: 1, failed: 1 });
  });

  it('renders a Markdown table a bug report can quote, one row per split point', () => {
    const markdown = probeReportMarkdown(REPORT);
    assert.match(markdown, /^# Prefill-consistency probe\n/);
    assert.match(markdown, /Model: `claude-haiku-4-5`/);
    assert.match(markdown, /`\{"temperature":0,"max_tokens":1024\}`/);
    assert.match(markdown, /User turn: `"Test"`/);
    assert.match(markdown, /4 points: 1 consistent, 1 divergent, 1 mixed, 1 failed/);
    assert.match(markdown, /1000 input, 24 output tokens \(\$0\.00112 at list price\)/);
    const rows = markdown.trimEnd().split('\n').filter((line) => /^\| \d/.test(line));
    assert.equal(rows.length, 4);
    assert.ok(rows.every((row) => cells(row).length === 5), rows.join('\n'));
    assert.deepEqual(cells(rows[0]), ['3', '`" OK"`', '`", I will"`', '`", I"` ×2', 'consistent']);
    assert.deepEqual(cells(rows[1]), ['4', '`" OK,"`', '`" I will \\|"`', '`" "`<br>`"\\n\\nSure"`', 'mixed']);
    assert.deepEqual(cells(rows[2]).slice(3), ['failed: Rate limited \\| twice ×2', 'failed']);
    assert.deepEqual(cells(rows[3]), ['20', '`" OK, I will \\| check "`', '``"`this`"``', '``"`that`"`` ×2', 'divergent']);
  });

  it('shows only the end of a long prefill and says when the probe was cancelled', () => {
    const long = 'x'.repeat(100) + NODE;
    const markdown = probeReportMarkdown({ ...REPORT, nodeText: long, points: [{ ...REPORT.points[0], offset: 103 }], cancelled: true });
    assert.match(markdown, /1 points: 1 consistent, 0 divergent, 0 mixed, 0 failed \(cancelled before the end\)/);
    assert.ok(markdown.includes(`| 103 | …\`"${'x'.repeat(21)} OK"\` |`));
  });
});

describe('the prefill tail in a report cell', () => {
  it('says it was cut with an ellipsis and starts at a word', () => {
    const text = 'The old woman nodded (it was late), and I have a fiver';
    const cell = prefillTailCell(text, text.length);
    assert.ok(cell.startsWith('… '), cell);
    assert.ok(text.endsWith(cell.slice(1)));
    assert.equal(prefillTailCell('short, and', 10), 'short, and', 'an uncut tail is as it is');
  });
});

describe('probe report, line by line', () => {
  const sample = (text: string, consistent: boolean) => ({ text, consistent, stopReason: 'max_tokens' });

  it('says what was asked, the system prompt included, and shows a one-sample outcome without a count', () => {
    const markdown = probeReportMarkdown({
      ...REPORT,
      model: '`odd` model',
      params: { ...REPORT.params, system: 'Be brief.' },
      basePrefillLength: 12,
      nodeText: 'x'.repeat(30),
      samples: 1,
      split: 'char',
      points: [{ offset: 24, expected: 'xxxxxx', samples: [sample('xx', true)], verdict: 'consistent' }],
      costUsd: undefined,
    });
    assert.equal(
      markdown,
      [
        '# Prefill-consistency probe',
        '',
        '- Model: `` `odd` model ``',
        '- Parameters: `{"temperature":0,"max_tokens":1024}`',
        '- System: `"Be brief."`',
        '- User turn: `"Test"`',
        '- Prefill before the probed text: 12 characters; probed text: 30 characters',
        '- Split: char; samples per point: 1; probe tokens: 4',
        '- Result: 1 points: 1 consistent, 0 divergent, 0 mixed, 0 failed',
        '- Usage: 1000 input, 24 output tokens',
        '',
        '| Offset | Prefill ends | Expected | Got | Verdict |',
        '| ---: | --- | --- | --- | --- |',
        `| 24 | \`"${'x'.repeat(24)}"\` | \`"xxxxxx"\` | \`"xx"\` | consistent |`,
        '',
      ].join('\n'),
    );
  });

  it('has no system line without a system prompt', () => {
    const head = probeReportMarkdown(REPORT).split('\n').slice(2, 6);
    assert.deepEqual(head, ['- Model: `claude-haiku-4-5`', '- Parameters: `{"temperature":0,"max_tokens":1024}`', '- User turn: `"Test"`', '- Prefill before the probed text: 0 characters; probed text: 26 characters']);
  });

  it('fences a code span with more backticks than any run inside it, and pads it when it ends in one', () => {
    const modelLine = (model: string) => probeReportMarkdown({ ...REPORT, model }).split('\n')[2];
    assert.equal(modelLine('a``b'), '- Model: ```a``b```');
    assert.equal(modelLine('model `odd`'), '- Model: `` model `odd` ``');
  });

  it('writes a failed request’s message on one line', () => {
    const failed = { text: '', consistent: false, stopReason: null, error: 'Overloaded:\n  try\tlater' };
    const markdown = probeReportMarkdown({ ...REPORT, points: [{ offset: 3, expected: ', I', samples: [failed], verdict: 'failed' }] });
    assert.ok(markdown.includes('| failed: Overloaded: try later | failed |'), markdown);
  });
});

describe('the prefill tail in a report cell, cut inside a word', () => {
  it('shows the whole cut tail after the ellipsis when no word starts in it', () => {
    const text = 'y'.repeat(40);
    assert.equal(prefillTailCell(text, 40), `…${'y'.repeat(24)}`);
  });
});
