import * as assert from 'node:assert/strict';
import { packTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import { probabilityOf } from '../../src/core/probabilities/tokenShading';
import { placeTokens, tokenSpans } from '../../src/core/probabilities/tokenPlacement';
import { nodeTokenStats, tokenBoundaries, tokenStats } from '../../src/core/probabilities/tokenStats';
import { isPartialCharacter, percent, probabilityBar, visibleToken } from '../../src/core/probabilities/tokenText';

const token = (text: string, logprob: number): TokenLogprob => ({ text, logprob, top: [] });

/** " The cat", ",", "\n", " sat" with known logprobs. */
const TOKENS = [token(' The', -0.1), token(' cat', -2.5), token(',', -0.05), token('\n', -1), token(' sat', -0.4)];

describe('token statistics', () => {
  it('turns a log-probability into a probability, never above 1', () => {
    assert.equal(probabilityOf(0), 1);
    assert.equal(probabilityOf(Math.log(0.25)), 0.25);
    assert.equal(probabilityOf(1e-9), 1);
    assert.equal(probabilityOf(-9999), 0);
  });

  it('places every token in the node text it produced', () => {
    const spans = tokenSpans(TOKENS, ' The cat,\n sat');
    assert.deepEqual(
      spans?.map((s) => [s.start, s.end, s.token.text]),
      [
        [0, 4, ' The'],
        [4, 8, ' cat'],
        [8, 9, ','],
        [9, 10, '\n'],
        [10, 14, ' sat'],
      ],
    );
  });

  it('follows the line ending the editor wrote the text in', () => {
    const spans = tokenSpans(TOKENS, ' The cat,\r\n sat');
    assert.deepEqual(
      spans?.map((s) => [s.start, s.end]),
      [
        [0, 4],
        [4, 8],
        [8, 9],
        [9, 11],
        [11, 15],
      ],
    );
  });

  it('keeps only the tokens of what is left of the node after a hand edit split its head off', () => {
    // The node now holds "t,\n sat": " cat" straddles the cut and keeps its tail.
    const spans = tokenSpans(TOKENS, 't,\n sat');
    assert.deepEqual(
      spans?.map((s) => [s.start, s.end, s.token.text]),
      [
        [0, 1, ' cat'],
        [1, 2, ','],
        [2, 3, '\n'],
        [3, 7, ' sat'],
      ],
    );
  });

  it('joins tokens that each hold part of a character (bytes:\\x.. names) into the character', () => {
    // 我 is e6 88 91 in UTF-8; the model emitted it as two tokens.
    const tokens = [token(' I', -0.1), token('bytes:\\xe6\\x88', -0.7), token('bytes:\\x91', -0.01), token('!', -0.2)];
    const spans = tokenSpans(tokens, ' I我!');
    assert.deepEqual(
      spans?.map((s) => [s.start, s.end, s.token.text]),
      [
        [0, 2, ' I'],
        [2, 2, 'bytes:\\xe6\\x88'],
        [2, 3, 'bytes:\\x91'],
        [3, 4, '!'],
      ],
    );
    assert.deepEqual(tokenBoundaries(tokens, ' I我!'), [2, 3]);
  });

  it('places tokens as their bytes decode: a leading byte order mark dropped, a surrogate pair split between tokens not joined', () => {
    const spans = (tokens: TokenLogprob[], text: string) => tokenSpans(tokens, text)?.map((s) => [s.start, s.end, s.token.text]);
    assert.deepEqual(spans([token('', -1), token('\uFEFFHi', -1), token(' 😀\uFEFF', -1)], 'Hi 😀\uFEFF'), [
      [0, 0, ''],
      [0, 2, '\uFEFFHi'],
      [2, 6, ' 😀\uFEFF'],
    ]);
    // Each half of 😀 alone is not UTF-8: each decodes to U+FFFD.
    const halves = [token('a\uD83D', -1), token('\uDE00', -1)];
    assert.equal(spans(halves, 'a😀'), undefined);
    assert.deepEqual(spans(halves, 'a\uFFFD\uFFFD'), [
      [0, 2, 'a\uD83D'],
      [2, 3, '\uDE00'],
    ]);
    assert.deepEqual(spans([token('a', -1), token('😀', -1)], 'a😀'), [
      [0, 1, 'a'],
      [1, 3, '😀'],
    ]);
  });

  it('places a generation cut inside a character (the length limit fell between its byte tokens), whether the server dropped the unfinished character or sent U+FFFD for it', () => {
    const tokens = [token(' I', -0.1), token('bytes:\\xe6\\x88', -0.7)];
    const expected = { spans: [{ start: 0, end: 2, token: tokens[0] }, { start: 2, end: 2, token: tokens[1] }], cut: false };
    assert.deepEqual(placeTokens(tokens, ' I'), expected);
    assert.deepEqual(placeTokens(tokens, ' I\uFFFD'), expected);
    assert.deepEqual(placeTokens(tokens, 'I'), { spans: [{ start: 0, end: 1, token: tokens[0] }, { start: 1, end: 1, token: tokens[1] }], cut: true });
    assert.equal(nodeTokenStats({ tokens: packTokens(tokens) }, ' I')?.count, 2);
  });

  it('leaves out the empty tokens and the first bytes of a character lying before a split node\'s text', () => {
    const tokens = [token('', -1), token(' I', -0.1), token('bytes:\\xe6\\x88', -0.7), token('bytes:\\x91', -0.01), token('!', -0.2)];
    assert.deepEqual(placeTokens(tokens, '!'), { spans: [{ start: 0, end: 1, token: tokens[4] }], cut: false });
    assert.deepEqual(placeTokens(tokens, '我!'), { spans: [{ start: 0, end: 0, token: tokens[2] }, { start: 0, end: 1, token: tokens[3] }, { start: 1, end: 2, token: tokens[4] }], cut: false });
  });

  it('places a text made only of byte tokens, and finds no boundary at the start of a node whose first token holds part of a character', () => {
    const tokens = [token('bytes:\\xe6\\x88', -0.7), token('bytes:\\x91', -0.01)];
    assert.deepEqual(tokenSpans(tokens, '我')?.map((s) => [s.start, s.end]), [[0, 0], [0, 1]]);
    assert.deepEqual(tokenBoundaries([...tokens, token('!', -0.2)], '我!'), [1]);
  });

  it('drops a byte order mark that opens the generation, however the tokens end', () => {
    const tokens = [token('\uFEFF', -1), token('Hi', -1)];
    assert.deepEqual(tokenSpans(tokens, 'Hi')?.map((s) => [s.start, s.end, s.token.text]), [[0, 0, '\uFEFF'], [0, 2, 'Hi']]);
  });

  it('follows a model that wrote CRLF and lone CR line breaks into an LF or CRLF document, a token ending between CR and LF', () => {
    const tokens = [token('a\r', -1), token('\nb', -1), token('\r', -1), token('c', -1)];
    assert.deepEqual(tokenSpans(tokens, 'a\nb\nc')?.map((s) => [s.start, s.end]), [[0, 1], [1, 3], [3, 4], [4, 5]]);
    assert.deepEqual(tokenSpans(tokens, 'a\r\nb\r\nc')?.map((s) => [s.start, s.end]), [[0, 1], [1, 4], [4, 6], [6, 7]]);
  });

  it('says nothing when the node text is not what the tokens produced', () => {
    assert.equal(tokenSpans(TOKENS, ' The dog,\n sat'), undefined);
    assert.equal(tokenBoundaries(TOKENS, 'completely different'), undefined);
    assert.equal(tokenSpans(TOKENS, ' The cat,\n sat\uFFFD'), undefined, 'U+FFFD stands only for a character the tokens leave unfinished');
  });

  it('finds the boundaries between tokens inside the node, never at its ends', () => {
    assert.deepEqual(tokenBoundaries(TOKENS, ' The cat,\n sat'), [4, 8, 9, 10]);
    assert.deepEqual(tokenBoundaries(TOKENS, 't,\n sat'), [1, 2, 3]);
  });

  it('names the lowest-probability token and the mean log-probability', () => {
    const stats = tokenStats(tokenSpans(TOKENS, ' The cat,\n sat')!);
    assert.equal(stats?.count, 5);
    assert.equal(stats?.lowest.text, ' cat');
    assert.equal(stats?.lowest.logprob, -2.5);
    assert.equal(stats?.lowest.start, 4);
    assert.equal(stats?.meanLogprob, (-0.1 - 2.5 - 0.05 - 1 - 0.4) / 5);
    assert.equal(tokenStats([]), undefined);
  });

  it('names the first of equally unlikely tokens', () => {
    const stats = tokenStats(tokenSpans([token(' a', -0.5), token(' b', -2), token(' c', -2)], ' a b c')!);
    assert.deepEqual(stats?.lowest, { text: ' b', logprob: -2, start: 2 });
  });

  it('reads a node: stats of its own tokens, none for a node without tokens', () => {
    const generation = { tokens: packTokens(TOKENS) };
    assert.equal(nodeTokenStats(generation, ',\n sat')?.lowest.text, '\n');
    assert.equal(nodeTokenStats(generation, ',\n sat')?.count, 3);
    assert.equal(nodeTokenStats({}, ' The cat'), undefined);
    assert.equal(nodeTokenStats(undefined, ' The cat'), undefined);
  });
});

describe('tokens as a list shows them', () => {
  it('makes whitespace and invisible characters visible, and names an empty token', () => {
    assert.equal(visibleToken(' the'), '·the');
    assert.equal(visibleToken('\n\n'), '⏎⏎');
    assert.equal(visibleToken('\r\n\t'), '⏎→');
    assert.equal(visibleToken('\u202e\u001b'), '‹U+202E›‹U+001B›');
    assert.equal(visibleToken('👩‍💻'), '👩‍💻');
    assert.equal(visibleToken(''), '(empty)');
  });

  it('draws a probability as a text bar and a percentage', () => {
    assert.equal(probabilityBar(1, 10), '██████████');
    assert.equal(probabilityBar(0.31, 10), '███░░░░░░░');
    assert.equal(probabilityBar(0.001, 10), '█░░░░░░░░░');
    assert.equal(probabilityBar(0, 10), '░░░░░░░░░░');
    assert.equal(percent(0.3124), '31.2%');
    assert.equal(percent(0.0001), '<0.1%');
    assert.equal(percent(0), '0.0%');
    assert.equal(percent(0.0005), '0.1%', 'rounds to 0.1%: not below it');
  });

  it('knows a token that holds part of a character', () => {
    assert.equal(isPartialCharacter('bytes:\\xe6\\x88'), true);
    assert.equal(isPartialCharacter('bytes: none'), false);
  });
});
