import * as assert from 'node:assert/strict';
import {
  hasHeaderErrors,
  parseDocumentHeader,
  renderDocumentHeader,
  type DocumentHeader,
  type HeaderDiagnostic,
  type HeaderFields,
} from '../../src/core/conversation/documentHeader';
import { seededRandom } from '../server/random';

/** Joins lines with `\n` so a test reads like the document it describes. */
function doc(...lines: string[]): string {
  return lines.join('\n');
}

function errors(header: DocumentHeader): HeaderDiagnostic[] {
  return header.diagnostics.filter((d) => d.severity === 'error');
}

/** Parses a header holding one entry and returns its only diagnostic. */
function onlyDiagnostic(entry: string): HeaderDiagnostic {
  const header = parseDocumentHeader(doc('---', entry, '---', 'body'));
  assert.equal(header.diagnostics.length, 1, JSON.stringify(header.diagnostics));
  return header.diagnostics[0];
}

function fieldsOf(...entries: string[]): HeaderFields {
  const header = parseDocumentHeader(doc('---', ...entries, '---', ''));
  assert.deepEqual(header.diagnostics, []);
  return header.fields;
}

describe('parseDocumentHeader', () => {
  describe('finding the block', () => {
    it('reads the example header and starts the body after the closing line', () => {
      const text = doc(
        '---',
        'model: claude-sonnet-4-5',
        'system: You are a novelist.',
        'user: Write the opening of a story.',
        'temperature: 0',
        'max_tokens: 512',
        'top_p: 0.9',
        'top_k: 40',
        'stop_sequences: ["\\n\\nTHE END", "###"]',
        '---',
        'The prefill text starts here...',
      );
      const header = parseDocumentHeader(text);
      assert.equal(header.present, true);
      assert.deepEqual(header.fields, {
        model: 'claude-sonnet-4-5',
        system: 'You are a novelist.',
        user: 'Write the opening of a story.',
        temperature: 0,
        max_tokens: 512,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ['\n\nTHE END', '###'],
      });
      assert.equal(text.slice(header.bodyOffset), 'The prefill text starts here...');
      // Both temperature and top_p: valid, but newer models refuse the pair.
      assert.equal(header.diagnostics.length, 1);
      assert.equal(header.diagnostics[0].severity, 'warning');
      assert.equal(header.diagnostics[0].line, 6);
    });

    it('treats a document without a first-line fence as all body', () => {
      // A byte-order mark is allowed only before the fence, not inside it.
      for (const text of ['Once upon a time', '', 'x\n---\nmodel: a\n---\n', ' ---\nmodel: a\n---\n', '----\n---\n', '-\uFEFF--\nmodel: a\n---\n']) {
        assert.deepEqual(parseDocumentHeader(text), { present: false, fields: {}, bodyOffset: 0, diagnostics: [] }, text);
      }
    });

    it('handles CRLF documents', () => {
      const text = '---\r\nmodel: claude-haiku-4-5\r\nsystem: |\r\n  a\r\n  b\r\n---\r\nBody\r\nmore';
      const header = parseDocumentHeader(text);
      assert.deepEqual(header.fields, { model: 'claude-haiku-4-5', system: 'a\nb\n' });
      assert.equal(text.slice(header.bodyOffset), 'Body\r\nmore');
      assert.deepEqual(header.diagnostics, []);
    });

    it('allows trailing blanks on the fences and a byte-order mark', () => {
      const text = '\uFEFF--- \t\nmodel: m\n---   \nbody';
      const header = parseDocumentHeader(text);
      assert.deepEqual(header.fields, { model: 'm' });
      assert.equal(text.slice(header.bodyOffset), 'body');
    });

    it('handles a header with no body, with and without a final newline', () => {
      const withNewline = '---\nmodel: m\n---\n';
      assert.equal(parseDocumentHeader(withNewline).bodyOffset, withNewline.length);
      const without = '---\nmodel: m\n---';
      const header = parseDocumentHeader(without);
      assert.equal(header.bodyOffset, without.length);
      assert.deepEqual(header.fields, { model: 'm' });
    });

    it('accepts an empty header, which lets a prefill itself start with ---', () => {
      const text = '---\n---\n---\nA horizontal rule first.';
      const header = parseDocumentHeader(text);
      assert.equal(header.present, true);
      assert.deepEqual(header.fields, {});
      assert.equal(text.slice(header.bodyOffset), '---\nA horizontal rule first.');
    });

    it('refuses an unclosed header instead of guessing where it ends', () => {
      const text = '---\nmodel: m\nThe story begins.';
      const header = parseDocumentHeader(text);
      assert.equal(header.present, true);
      assert.deepEqual(header.fields, {});
      assert.equal(header.bodyOffset, 0);
      assert.equal(header.diagnostics.length, 1);
      assert.deepEqual(
        { ...header.diagnostics[0], message: '' },
        { line: 0, startColumn: 0, endColumn: 3, severity: 'error', message: '' },
      );
      assert.equal(
        header.diagnostics[0].message,
        'The header opened by "---" on the first line is never closed, so nothing will be sent. Add a line "---" after the header. ' +
          'To start the prefill itself with "---", put an empty header (two "---" lines) above it.',
      );
      assert.equal(hasHeaderErrors(header), true);
    });

    it('does not close on indented or decorated fences', () => {
      const header = parseDocumentHeader('---\nsystem: |\n  ---\n--- x\n');
      assert.equal(header.bodyOffset, 0);
      assert.match(header.diagnostics[0].message, /never closed/);
    });
  });

  describe('lines', () => {
    it('skips blank lines and # comments, indented or not', () => {
      assert.deepEqual(fieldsOf('# the model', '', 'model: m', '   # aside', '\t', 'user: u'), { model: 'm', user: 'u' });
      assert.deepEqual(fieldsOf('  # an indented comment first', 'model: m'), { model: 'm' });
    });

    it('reports a line that is not key: value', () => {
      const d = onlyDiagnostic('just some words');
      assert.deepEqual([d.line, d.startColumn, d.endColumn, d.severity], [1, 0, 15, 'error']);
      assert.equal(d.message, 'Expected "key: value", a "# comment" or a blank line; a line of a "|" block is indented under its key.');
      // A "#" inside a line does not make it a comment; a colon after something that is no key
      // does not ask for a space.
      for (const line of ['model#x: y', '9lives:x', '-x:y']) {
        assert.equal(onlyDiagnostic(line).message, 'Expected "key: value", a "# comment" or a blank line; a line of a "|" block is indented under its key.', line);
      }
    });

    it('reads "..." and "%" inside a value as text, not as document markers', () => {
      assert.deepEqual(fieldsOf('user: 50% done...'), { user: '50% done...' });
    });

    it('keeps a comment at column 0 between list items inside the list', () => {
      assert.deepEqual(fieldsOf('messages:', '  - user: a', '# a comment', '  - assistant: b', '  - user: c'), {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      });
    });

    it('asks for a space after the colon', () => {
      assert.match(onlyDiagnostic('model:claude').message, /space after/);
    });

    it('reports stray indented lines', () => {
      assert.match(onlyDiagnostic('  model: m').message, /indented/);
    });

    it('reads block lists under their key, and explains a list item without one', () => {
      assert.deepEqual(fieldsOf('stop_sequences:', '  - a', '  - "b c"'), { stop_sequences: ['a', 'b c'] });
      const dash = onlyDiagnostic('- a');
      assert.match(dash.message, /list item needs its key above it/);
    });
  });

  describe('values', () => {
    it('reads plain values up to a comment, keeping colons and # without a blank before', () => {
      assert.deepEqual(fieldsOf('user: Title: the C# story # a comment', 'model: m   '), {
        user: 'Title: the C# story',
        model: 'm',
      });
    });

    it('reads a plain value holding ": " whole, whatever blanks, comments and blank lines surround it', () => {
      for (const entries of [
        ['user: Title: the story'],
        ['user: Title: the story   '],
        ['user:\tTitle: the story'],
        ['user: Title: the story', '', 'model: m'],
        ['user: Title: the story', '    # a note'],
      ]) {
        assert.equal(fieldsOf(...entries).user, 'Title: the story', JSON.stringify(entries));
      }
      assert.deepEqual(fieldsOf('user: Title:'), { user: 'Title:' });
    });

    it('does not drop an indented line under a plain value holding ": "', () => {
      for (const next of ['  more', '  more # not all a comment']) {
        const header = parseDocumentHeader(doc('---', 'user: Title: x', next, '---'));
        assert.deepEqual(header.fields, {}, next);
        assert.equal(errors(header).length, 1, next);
      }
    });

    it('checks a plain value holding ": " against its field, and points at it', () => {
      const d = onlyDiagnostic('temperature: 0.5: x');
      assert.deepEqual([d.line, d.startColumn, d.endColumn], [1, 13, 19]);
      assert.equal(d.message, 'temperature: must be a number from 0 to 1 (got 0.5: x).');
      const header = parseDocumentHeader(doc('---', 'model: a: b', 'model: c: d # again', '---'));
      assert.deepEqual(
        header.diagnostics.map((x) => [x.line, x.startColumn, x.endColumn]),
        [[2, 0, 11]],
      );
    });

    it('decodes JSON escapes in double quotes', () => {
      assert.deepEqual(fieldsOf('system: "a\\nb\\tc \\"q\\" \\\\ \\/ \\u00e9\\ud83d\\ude00 \\r\\b\\f"'), {
        system: 'a\nb\tc "q" \\ / é😀 \r\b\f',
      });
    });

    it('keeps single-quoted text literally, with doubled quotes', () => {
      assert.deepEqual(fieldsOf("user: 'It''s \\n # not a comment'"), { user: "It's \\n # not a comment" });
    });

    it('allows a comment after a quoted value but nothing else', () => {
      assert.deepEqual(fieldsOf('model: "m" # pinned'), { model: 'm' });
      const d = onlyDiagnostic('model: "m" extra');
      assert.deepEqual([d.startColumn, d.endColumn], [11, 16]);
      assert.match(d.message, /after the value/);
      const glued = onlyDiagnostic('model: "m"extra');
      assert.deepEqual([glued.startColumn, glued.endColumn], [10, 15]);
      assert.equal(glued.message, 'model: Unexpected text after the value: put it inside the quotes or brackets, or after " #" as a comment.');
    });

    it('says the same, at the same place, of text after a value inside a list', () => {
      const d = onlyDiagnostic('messages:\n  - user: "a" b');
      assert.deepEqual([d.line, d.startColumn, d.endColumn], [2, 14, 15]);
      assert.match(d.message, /^messages: Unexpected text after the value: put it inside the quotes/);
    });

    it('points at an unknown escape', () => {
      const d = onlyDiagnostic('user: "a\\qb"');
      assert.deepEqual([d.line, d.startColumn, d.endColumn, d.severity], [1, 8, 10, 'error']);
      assert.match(d.message, /^user: Unknown escape/);
      assert.match(onlyDiagnostic('user: "\\u12"').message, /Unknown escape/);
    });

    it('reports quotes that do not close on their line', () => {
      assert.match(onlyDiagnostic('user: "abc').message, /closing quote/);
      assert.match(onlyDiagnostic("user: 'abc").message, /closing quote/);
    });

    it('points a missing closing quote at the opening one, also inside a list of turns', () => {
      const d = onlyDiagnostic('messages:\n  - user: hi\n  - assistant: "yo\n  - user: ok');
      assert.deepEqual([d.line, d.startColumn, d.endColumn], [3, 15, 18]);
      assert.match(d.message, /closing quote is missing/);
      // A key without a value ("? user") in the same turn has no node to look into.
      const beside = onlyDiagnostic('messages:\n  - ? user\n    assistant: "yo');
      assert.deepEqual([beside.line, beside.startColumn, beside.endColumn], [3, 15, 18]);
    });

    it('explains a list item written on its key\'s line', () => {
      for (const entry of ['user: - item', 'stop_sequences: - ###']) {
        const d = onlyDiagnostic(entry);
        assert.deepEqual([d.line, d.startColumn, d.endColumn], [1, entry.indexOf('-'), entry.length], entry);
        assert.match(d.message, /: A list item \("- "\) goes on its own line under its key: "key:" then " {2}- item"\. To write text that starts with "- ", put it in quotes\.$/);
      }
    });

    it('names a leading "?" as a cause of text read as a key', () => {
      assert.match(onlyDiagnostic('user: ? x').message, /a "\?" first\); put the text in quotes/);
    });

    it('keeps a problem at the end of its line inside the line', () => {
      const d = onlyDiagnostic('user: {a');
      assert.ok(d.startColumn <= d.endColumn && d.endColumn <= 'user: {a'.length, JSON.stringify(d));
    });

    it('reads flow lists of quoted and plain items, with a trailing comma', () => {
      assert.deepEqual(fieldsOf(`stop_sequences: [ "a,b" , 'c]' ,plain one, ]`), { stop_sequences: ['a,b', 'c]', 'plain one'] });
      assert.deepEqual(fieldsOf('stop_sequences: []'), { stop_sequences: [] });
    });

    it('reports malformed lists', () => {
      assert.match(onlyDiagnostic('stop_sequences: ["a"').message, /closing "\]"/);
      assert.match(onlyDiagnostic('stop_sequences: ["a" "b"]').message, /Expected "," or "\]"/);
      assert.match(onlyDiagnostic('stop_sequences: [a,,b]').message, /Empty list item/);
      assert.match(onlyDiagnostic('stop_sequences: [[a]]').message, /Nested/);
      assert.match(onlyDiagnostic('stop_sequences: [a] b').message, /after the value/);
    });

    it('rejects YAML syntax outside the subset', () => {
      for (const value of ['{a: 1}', '&anchor x', '*alias', '!tag x', '@x', '`x`']) {
        assert.match(onlyDiagnostic(`user: ${value}`).message, /not support/, value);
      }
      assert.match(onlyDiagnostic('user: >\n  folded').message, /Folded/);
      assert.match(onlyDiagnostic('user: |2\n  x').message, /indentation numbers/);
    });

    it('refuses maps in braces by name, in a value or as a turn', () => {
      assert.match(onlyDiagnostic('user: {a: 1}').message, /braces/);
      assert.match(onlyDiagnostic('messages:\n  - {user: hi}').message, /braces/);
    });

    it('says a ": " inside a bracketed list item reads as a key, and to quote the item', () => {
      assert.equal(
        onlyDiagnostic('stop_sequences: ["a", b: c]').message,
        'stop_sequences: A ": " inside a list item in brackets reads as a key; put the item in quotes.',
      );
    });

    it('says a block\'s lines are indented when one is not', () => {
      const header = parseDocumentHeader(doc('---', 'system: |', '  You are', 'a poet', '---'));
      assert.deepEqual(header.diagnostics.map((d) => [d.line, d.message]), [
        [3, 'Expected "key: value", a "# comment" or a blank line; a line of a "|" block is indented under its key.'],
      ]);
    });

    it('refuses an anchor on any item of a list, not only the first', () => {
      assert.match(onlyDiagnostic('stop_sequences: [a, &x b]').message, /Anchors/);
      assert.match(onlyDiagnostic('messages:\n  - user: a\n  - assistant: b\n  - user: &x c').message, /Anchors/);
    });

    it('points at the block indicator it refuses', () => {
      for (const [entry, message] of [['user: >  # folded', /Folded/], ['user: |2  # numbered', /indentation numbers/]] as const) {
        const d = onlyDiagnostic(`${entry}\n    text`);
        assert.deepEqual([d.line, d.startColumn, d.endColumn], [1, 6, entry.indexOf(' ', 6)], entry);
        assert.match(d.message, message);
      }
    });

    it("words YAML's own complaints in full and points at the line they are about", () => {
      // A comment at column 0 ends a block; the indented line after it belongs to nothing.
      const header = parseDocumentHeader(doc('---', 'user: |', '  a', '# c', '  b', '---'));
      assert.deepEqual(header.diagnostics, [
        {
          line: 3,
          startColumn: 0,
          endColumn: 1,
          severity: 'error',
          message: 'user: All mapping items must start at the same column (as YAML reads it); check this line\'s indentation and its ": ".',
        },
      ]);
      // What it quotes of the line is kept as written, down to a final full stop.
      assert.equal(
        onlyDiagnostic('user: |a.b.\n  x').message,
        'user: Block scalar header includes extra characters: |a.b. (as YAML reads it); check this line\'s indentation and its ": ".',
      );
    });
  });

  describe('literal blocks', () => {
    it('keeps newlines, strips common indentation and clips to one final newline', () => {
      assert.deepEqual(fieldsOf('system: |', '    You are', '      a novelist.', '', '    Be brief.', '', '', 'user: u'), {
        system: 'You are\n  a novelist.\n\nBe brief.\n',
        user: 'u',
      });
    });

    it('strips (|-) or keeps (|+) final newlines', () => {
      assert.deepEqual(fieldsOf('system: |-', '  a', '', 'user: |+', '  b', '', ''), { system: 'a', user: 'b\n\n\n' });
    });

    it('treats # and --- inside a block as text', () => {
      assert.deepEqual(fieldsOf('system: | # a comment on the indicator', '  # heading', '  ---', 'model: m'), {
        system: '# heading\n---\n',
        model: 'm',
      });
    });

    it('reads a block that runs to the closing fence', () => {
      const text = '---\nuser: |\n  last\n---\nbody';
      const header = parseDocumentHeader(text);
      assert.deepEqual(header.fields, { user: 'last\n' });
      assert.equal(text.slice(header.bodyOffset), 'body');
    });

    it('rejects an empty block for text fields and tab indentation', () => {
      assert.match(onlyDiagnostic('system: |').message, /must not be blank/);
      const header = parseDocumentHeader(doc('---', 'system: |', '\tTabbed', '---'));
      assert.equal(header.diagnostics[0].line, 2);
      assert.match(header.diagnostics[0].message, /spaces, not tabs/);
    });

    it('points block diagnostics at the indicator', () => {
      const d = onlyDiagnostic('temperature: |\n  0.5');
      assert.deepEqual([d.line, d.startColumn, d.endColumn], [1, 13, 14]);
      assert.match(d.message, /not quoted text/);
      const commented = onlyDiagnostic('temperature: |-  # why\n  0.5');
      assert.deepEqual([commented.line, commented.startColumn, commented.endColumn], [1, 13, 15]);
    });
  });

  describe('field checks', () => {
    it('accepts the edges of every range', () => {
      assert.deepEqual(fieldsOf('temperature: 1', 'max_tokens: 128000', 'top_k: 1'), { temperature: 1, max_tokens: 128000, top_k: 1 });
      assert.deepEqual(fieldsOf('top_p: 0', 'max_tokens: 1'), { top_p: 0, max_tokens: 1 });
      assert.deepEqual(fieldsOf('temperature: .5e0', 'top_k: +7'), { temperature: 0.5, top_k: 7 });
    });

    const bad: Array<[string, RegExp]> = [
      ['temperature: 1.01', /number from 0 to 1 \(got 1\.01\)/],
      ['temperature: -0.1', /from 0 to 1/],
      ['temperature: hot', /from 0 to 1 \(got hot\)/],
      ['temperature: "0.5"', /not quoted text/],
      ['temperature: [0.5]', /not a list/],
      ['temperature: 0x1', /from 0 to 1/],
      ['temperature: Infinity', /from 0 to 1/],
      ['top_p: 2', /from 0 to 1/],
      ['top_k: 0', /whole number from 1 up/],
      ['top_k: 2.5', /whole number/],
      ['max_tokens: 128001', /whole number from 1 to 128000/],
      ['max_tokens: 0', /from 1 to 128000/],
      ['max_tokens: 512.0', /whole number/],
      ['max_tokens: 1e3', /whole number/],
      ['max_tokens: 1_000', /whole number/],
      ['model:', /needs a value/],
      ['model: "  "', /needs a model id/],
      ['model: null', /null is not a value/],
      ['model: [a]', /must be text, not a list/],
      ['system: ~', /null is not a value/],
      ['user: "   "', /must not be blank/],
      ['stop_sequences:', /needs a value/],
      ['stop_sequences: ["a", "  "]', /visible character/],
      ['stop_sequences: ""', /visible character/],
      ['stop_sequences: "\\n\\n"', /visible character/],
      ['temperature:', /needs a value; delete the line/],
      ['temperature: null', /null is not a value/],
      ['endpoint: ""', /needs the name of an endpoint from your settings, e.g\. local-llama\./],
    ];
    for (const [entry, message] of bad) {
      it(`rejects ${entry}`, () => {
        const header = parseDocumentHeader(doc('---', entry, '---', 'body'));
        assert.equal(header.diagnostics.length, 1, JSON.stringify(header.diagnostics));
        const d = header.diagnostics[0];
        assert.equal(d.severity, 'error');
        assert.equal(d.line, 1);
        assert.match(d.message, message);
        assert.ok(d.message.startsWith(entry.slice(0, entry.indexOf(':') + 1)), 'names the key');
        assert.deepEqual(header.fields, {}, 'invalid values are left out, not defaulted');
      });
    }

    it('refuses maps where text or a list of text belongs, and an empty list item', () => {
      const cases: Array<[string, [number, number, number], string]> = [
        ['model:\n  a: b', [2, 2, 6], 'model: must be text; maps are not supported here.'],
        ['stop_sequences:\n  a: b', [2, 2, 6], 'stop_sequences: must be a list of strings, not a map.'],
        ['stop_sequences:\n  - a: b', [2, 4, 8], 'stop_sequences: Nested lists and maps are not supported.'],
        ['stop_sequences:\n  - a\n  -', [3, 2, 3], 'stop_sequences: each stop sequence needs a visible character (the API rejects empty or whitespace-only ones).'],
        ['stop_sequences:\n  - a\n  -  #- empty', [3, 2, 3], 'stop_sequences: each stop sequence needs a visible character (the API rejects empty or whitespace-only ones).'],
        ['stop_sequences:\n- a\n-', [3, 0, 1], 'stop_sequences: each stop sequence needs a visible character (the API rejects empty or whitespace-only ones).'],
      ];
      for (const [entry, place, message] of cases) {
        const d = onlyDiagnostic(entry);
        assert.deepEqual([d.line, d.startColumn, d.endColumn], place, entry);
        assert.equal(d.message, message);
      }
    });

    it('points a missing value at its entry', () => {
    const d = onlyDiagnostic('model:   # none');
    assert.deepEqual([d.startColumn, d.endColumn], [0, 15]);
  });

  it('points at the value, or at the bad list item', () => {
      const value = onlyDiagnostic('top_k:   zero # comment');
      assert.deepEqual([value.startColumn, value.endColumn], [9, 13]);
      const item = onlyDiagnostic('stop_sequences: ["ok", " ", "fine"]');
      assert.deepEqual([item.startColumn, item.endColumn], [23, 26]);
    });

    it('accepts a single stop sequence written as a string', () => {
      assert.deepEqual(fieldsOf('stop_sequences: "\\n\\nTHE END"'), { stop_sequences: ['\n\nTHE END'] });
      assert.deepEqual(fieldsOf('stop_sequences: END'), { stop_sequences: ['END'] });
      // As in YAML, " #" starts a comment, so this has no value at all.
      assert.match(onlyDiagnostic('stop_sequences: ###').message, /needs a value/);
    });

    it('keeps the valid fields next to an invalid one', () => {
      const header = parseDocumentHeader(doc('---', 'model: m', 'temperature: 7', 'user: u', '---'));
      assert.deepEqual(header.fields, { model: 'm', user: 'u' });
      assert.equal(hasHeaderErrors(header), true);
    });

    it('reads unicode text and counts columns in UTF-16 units', () => {
      assert.deepEqual(fieldsOf('user: 日本語で書いて 😀', 'system: "Ünïcödé ✓"'), { user: '日本語で書いて 😀', system: 'Ünïcödé ✓' });
      const d = onlyDiagnostic('user: "😀\\x"');
      assert.deepEqual([d.startColumn, d.endColumn], [9, 11]);
    });
  });

  describe('keys', () => {
    it('warns about unknown keys, names the known ones and suggests a spelling', () => {
      const d = onlyDiagnostic('maxTokens: 100');
      assert.equal(d.severity, 'warning');
      assert.deepEqual([d.startColumn, d.endColumn], [0, 14]);
      assert.match(d.message, /Unknown key "maxTokens".*Did you mean "max_tokens"\?/);
      assert.match(d.message, /model, system, user, temperature, max_tokens, top_p, top_k, stop_sequences/);
      assert.match(onlyDiagnostic('stop: ["x"]').message, /Did you mean "stop_sequences"/);
      assert.equal(
        onlyDiagnostic('colour: blue').message,
        'Unknown key "colour" is ignored. Known keys: endpoint, model, system, user, temperature, max_tokens, top_p, top_k, stop_sequences, messages.',
      );
      assert.match(onlyDiagnostic('max-tokens: 5').message, /Did you mean "max_tokens"/);
    });

    it('ignores the value of an unknown key, including its block', () => {
      const header = parseDocumentHeader(doc('---', 'notes: |', '  anything: at all', '  "unbalanced', 'model: m', '---'));
      assert.deepEqual(header.fields, { model: 'm' });
      assert.equal(header.diagnostics.length, 1);
      assert.equal(hasHeaderErrors(header), false);
    });

    it('rejects duplicate keys and keeps the first value', () => {
      const header = parseDocumentHeader(doc('---', 'model: a', 'user: u', 'model: b', '---'));
      assert.deepEqual(header.fields, { model: 'a', user: 'u' });
      assert.equal(header.diagnostics.length, 1);
      const d = header.diagnostics[0];
      assert.deepEqual([d.line, d.startColumn, d.endColumn, d.severity], [3, 0, 8, 'error']);
      assert.match(d.message, /already set on line 2/);
    });

    it('points a duplicate key at its entry up to the value, not its comment', () => {
      const header = parseDocumentHeader(doc('---', 'model: m # c', 'model: n # again', '---'));
      assert.deepEqual(
        header.diagnostics.map((d) => [d.line, d.startColumn, d.endColumn]),
        [[2, 0, 8]],
      );
    });

    it('warns about temperature with top_p only when both are valid, and says what to do', () => {
      const both = parseDocumentHeader(doc('---', 'temperature: 0.5', 'top_p: 0.9', '---'));
      assert.equal(both.diagnostics.length, 1);
      assert.match(both.diagnostics[0].message, /both temperature and top_p is rejected by newer Claude models.*keep one\.$/);
      const badTopP = parseDocumentHeader(doc('---', 'temperature: 0.5', 'top_p: 2', '---'));
      assert.deepEqual(badTopP.diagnostics.map((d) => d.severity), ['error']);
    });

    it('takes endpoint as the name of an endpoint from the settings', () => {
      const header = parseDocumentHeader(doc('---', 'endpoint: local-llama', 'model: base', '---', 'body'));
      assert.deepEqual(header.fields, { endpoint: 'local-llama', model: 'base' });
      assert.equal(header.diagnostics.length, 0);
    });

    for (const address of ['http://127.0.0.1:8000/v1', 'evil.example:443', 'a/b']) {
      it(`refuses an endpoint that is an address (${address}), so a document never chooses where requests go`, () => {
        const header = parseDocumentHeader(doc('---', `endpoint: ${address}`, '---', 'body'));
        assert.deepEqual(header.fields, {});
        assert.equal(header.diagnostics[0].severity, 'error');
        assert.match(header.diagnostics[0].message, /name of an endpoint defined in your settings/);
      });
    }

    for (const key of ['baseUrl', 'base_url', 'api_key', 'apiKey', 'x-api-key', 'ANTHROPIC_API_KEY', 'endpoint_url', 'proxy_url', 'auth_token', 'password', 'host']) {
      it(`refuses the key ${key} without echoing its value`, () => {
        const secret = 'sk-ant-do-not-echo';
        const header = parseDocumentHeader(doc('---', `${key}: ${secret}`, '---', 'body'));
        assert.equal(header.diagnostics.length, 1);
        const d = header.diagnostics[0];
        assert.equal(d.severity, 'error');
        assert.deepEqual([d.line, d.startColumn, d.endColumn], [1, 0, key.length + 2 + secret.length]);
        assert.match(d.message, /VS Code settings and SecretStorage.*Remove this line\.$/);
        assert.ok(!d.message.includes(secret));
        assert.deepEqual(header.fields, {});
        assert.equal(hasHeaderErrors(header), true);
      });
    }

    it('refuses a forbidden key even when its value is a block or empty', () => {
      const header = parseDocumentHeader(doc('---', 'api_key: |', '  sk-secret', 'base_url:', '---'));
      assert.equal(errors(header).length, 2);
      assert.ok(header.diagnostics.every((d) => /cannot be set in a document/.test(d.message)));
    });
  });

  describe('messages', () => {
    it('reads a list of turns, with blocks for multi-line text', () => {
      assert.deepEqual(
        fieldsOf('messages:', '  - user: Name a colour.', '  - assistant: Blue.', '  # a comment between turns', '  - user: |', '      And a second one,', '      on two lines.'),
        {
          messages: [
            { role: 'user', content: 'Name a colour.' },
            { role: 'assistant', content: 'Blue.' },
            { role: 'user', content: 'And a second one,\non two lines.\n' },
          ],
        },
      );
    });

    it('reads the other fields around a messages list', () => {
      assert.deepEqual(fieldsOf('model: m', 'messages:', '- user: hi', 'max_tokens: 5'), { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    });

    const badTurns: Array<[string[], number, RegExp]> = [
      [['messages:', '  - assistant: hello', '  - user: u'], 2, /first turn must be a user turn/],
      [['messages:', '  - user: a', '  - user: b'], 3, /alternate/],
      [['messages:', '  - user: a', '  - assistant: b'], 3, /last turn must be a user turn.*body/],
      [['messages:', '  - user: a', '  - assistant: "  "', '  - user: c'], 3, /must not be blank/],
      [['messages:', '  - user: a', '  - assistant:', '  - user: c'], 3, /needs a value: write the turn's text, or delete the turn\./],
      [['messages:', '  - ? user'], 2, /needs a value: write the turn's text/],
      [['messages:', '  - user: a', '  - robot: b'], 3, /"user" or "assistant"/],
      [['messages:', '  - user: a', '  - just text'], 3, /one "user: …" or "assistant: …"/],
      [['messages:', '  - user: a', '    assistant: b'], 2, /one "user: …" or "assistant: …"/],
      [['messages:', '  - user: a', '    user: b'], 2, /one "user: …" or "assistant: …"/],
      [['messages:', '  - user: one', '    two'], 3, /as YAML reads it.*indentation/],
      [['messages: hello'], 1, /list of turns/],
      [['messages: []'], 1, /at least one turn/],
      [['messages:'], 1, /needs a value/],
      [['messages:', '  - user: [a, b]'], 2, /must be text, not a list/],
      [['messages:', '  - user: Note: this'], 2, /in quotes or in a "\|" block/],
    ];
    for (const [entries, line, message] of badTurns) {
      it(`reports ${JSON.stringify(entries.slice(1).join(' / ') || entries[0])} on line ${line + 1}`, () => {
        const header = parseDocumentHeader(doc('---', ...entries, '---', 'body'));
        assert.equal(header.diagnostics.length, 1, JSON.stringify(header.diagnostics));
        const d = header.diagnostics[0];
        assert.equal(d.severity, 'error');
        assert.equal(d.line, line);
        assert.match(d.message, /^messages: /);
        assert.match(d.message, message);
        assert.equal(header.fields.messages, undefined, 'nothing of a bad conversation is kept');
        assert.equal(hasHeaderErrors(header), true);
      });
    }

    it('refuses user next to messages: the conversation is said once', () => {
      const header = parseDocumentHeader(doc('---', 'user: u', 'messages:', '  - user: a', '---'));
      assert.equal(errors(header).length, 1);
      assert.equal(header.diagnostics[0].line, 1);
      assert.match(header.diagnostics[0].message, /either "user" or "messages"/);
    });
  });

  describe('YAML features that make no sense in a header', () => {
    const refused: Array<[string[], number, RegExp]> = [
      [['system: &s You are terse.'], 1, /Anchors .* not supported/],
      [['messages:', '  - user: &u hi', '  - assistant: *u', '  - user: again'], 2, /Anchors .* not supported/],
      [['user: *u'], 1, /Aliases .* not supported/],
      [['user: !!str text'], 1, /Tags .* not supported/],
      [['...'], 1, /one document/],
      [['%YAML 1.2'], 1, /one document/],
      [['user: "\\x41"'], 1, /Unknown escape/],
      [['user: hello', '  world'], 1, /several lines must be a "\|" block/],
      [['user: "hello', '  world"'], 1, /several lines must be a "\|" block/],
      [['messages:', '  - user: one', '      two'], 2, /several lines must be a "\|" block/],
    ];
    for (const [entries, line, message] of refused) {
      it(`refuses ${entries.join(' / ')} with a clear message`, () => {
        const header = parseDocumentHeader(doc('---', ...entries, '---', 'body'));
        assert.equal(header.diagnostics.length, 1, JSON.stringify(header.diagnostics));
        assert.equal(header.diagnostics[0].severity, 'error');
        assert.equal(header.diagnostics[0].line, line);
        assert.match(header.diagnostics[0].message, message);
      });
    }
  });

  it('hasHeaderErrors ignores warnings', () => {
    assert.equal(hasHeaderErrors(parseDocumentHeader('---\nfoo: 1\n---\n')), false);
    assert.equal(hasHeaderErrors(parseDocumentHeader('no header')), false);
  });
});

describe('renderDocumentHeader', () => {
  it('writes an empty header for no fields', () => {
    assert.equal(renderDocumentHeader({}), '---\n---\n');
  });

  it('writes simple values plainly, in a fixed order', () => {
    const rendered = renderDocumentHeader({ top_k: 40, model: 'claude-sonnet-4-5', user: 'Write a story.', temperature: 0.7, stop_sequences: ['###'] });
    assert.equal(
      rendered,
      doc('---', 'model: claude-sonnet-4-5', 'user: Write a story.', 'temperature: 0.7', 'top_k: 40', 'stop_sequences: ["###"]', '---', ''),
    );
  });

  it('uses blocks for multi-line text and quotes where plain would be ambiguous', () => {
    const rendered = renderDocumentHeader({ system: 'Line one\n\nLine: two\n', user: 'Note: "quoted" # not a comment' });
    assert.equal(
      rendered,
      doc('---', 'system: |', '  Line one', '', '  Line: two', 'user: "Note: \\"quoted\\" # not a comment"', '---', ''),
    );
  });

  it('writes text plainly only when no YAML reader could take it for anything else', () => {
    const line = (value: string) => renderDocumentHeader({ user: value }).split('\n')[1];
    for (const plain of ['Write a story.', 'é, (really)', '_under/score', "it's 5+5 - no?", 'yesterday', 'Turn it on', 'nullable']) {
      assert.equal(line(plain), `user: ${plain}`, plain);
    }
    for (const quoted of ['word ', 'yes', 'Off', 'n', '1.5', '-1', 'a: b', 'a #b', '-dash', ' lead', '"q"', 'tab\there']) {
      assert.equal(line(quoted)[6], '"', quoted);
    }
  });

  it('chooses the block indicator by the trailing newlines, and keeps blank lines', () => {
    assert.equal(renderDocumentHeader({ user: 'a\nb' }), doc('---', 'user: |-', '  a', '  b', '---', ''));
    assert.equal(renderDocumentHeader({ user: 'a\n\nb\n' }), doc('---', 'user: |', '  a', '', '  b', '---', ''));
    assert.equal(renderDocumentHeader({ user: 'a\n\n\n' }), doc('---', 'user: |+', '  a', '', '', '---', ''));
    assert.equal(renderDocumentHeader({ user: '\nb' }), doc('---', 'user: |-', '', '  b', '---', ''));
  });

  it('quotes multi-line text a block would not keep intact, escaping what is invisible', () => {
    const quoted = (value: string) => renderDocumentHeader({ user: value }).split('\n')[1];
    assert.equal(quoted('a \nb'), 'user: "a \\nb"', 'a trailing blank, which editors strip');
    assert.equal(quoted('a\t\nb'), 'user: "a\\t\\nb"');
    assert.equal(quoted('  a\nb'), 'user: "  a\\nb"', 'a first line that starts with a blank');
    assert.equal(quoted('a\u0001\nb'), 'user: "a\\u0001\\nb"');
    assert.equal(quoted('a\u007f\u2028\u2029\ufeff\nb'), 'user: "a\\u007f\\u2028\\u2029\\ufeff\\nb"');
    assert.equal(quoted('\n\n'), 'user: "\\n\\n"');
    assert.equal(quoted('a\ud800\nb'), 'user: "a\\ud800\\nb"', 'half a surrogate pair');
    assert.equal(quoted('a\udc00\nb'), 'user: "a\\udc00\\nb"');
    assert.equal(quoted('😀\nb'), 'user: |-', 'a whole pair is fine in a block');
    // The edges of both halves' ranges: whole pairs go in a block, lone halves are escaped one by one.
    for (const pair of ['\ud800\udc00', '\udbff\udfff', '\ud800\udfff', '\udbff\udc00', '\ue000', '\ud7ff']) {
      assert.equal(quoted(`${pair}\nb`), 'user: |-', JSON.stringify(pair));
    }
    assert.equal(quoted('a\udbff\nb'), 'user: "a\\udbff\\nb"');
    assert.equal(quoted('a\udfff\nb'), 'user: "a\\udfff\\nb"');
    assert.equal(quoted('a\ud800\ue000\nb'), 'user: "a\\ud800\ue000\\nb"');
    assert.equal(quoted('a\udc00\udc00\nb'), 'user: "a\\udc00\\udc00\\nb"');
  });

  const cases: Array<[string, HeaderFields]> = [
    ['quotes and colons', { user: `He said: "it's 5:30" \\ ok`, model: 'claude-opus-4-1' }],
    ['newlines', { system: 'a\nb', user: 'a\n', model: '\nleading newline' }],
    ['many trailing newlines', { system: 'a\n\n\n' }],
    ['leading blanks on a multi-line value', { system: '  indented\nnext' }],
    ['trailing blanks on a line', { system: 'trailing \nline' }],
    ['CR and control characters', { user: 'a\r\nb\u0000c\u001b\u2028' }],
    ['words YAML reads as other types', { model: 'null', user: 'true', system: '1.5' }],
    ['a value that looks like a fence', { user: '---' }],
    ['comment and indicator characters', { user: '# hash', system: '| pipe', model: '[not a list]' }],
    ['unicode and a lone surrogate', { user: '日本語 😀 é', system: 'broken \ud800 pair' }],
    ['stop sequences with escapes', { stop_sequences: ['\n\nTHE END', '"', '\\', '\t#'] }],
    ['a conversation', { system: 'S', messages: [{ role: 'user', content: 'Hi: "there"' }, { role: 'assistant', content: 'Line one\n\n  two\n' }, { role: 'user', content: 'a\n\n\n' }] }],
    ['tiny and round numbers', { temperature: 1e-7, top_p: 1, max_tokens: 128000, top_k: 3 }],
  ];
  for (const [name, fields] of cases) {
    it(`round-trips ${name}`, () => assertRoundTrip(fields));
  }

  it('round-trips a few hundred random headers', () => {
    const random = seededRandom(0x5eed);
    for (let n = 0; n < 400; n++) {
      assertRoundTrip(randomFields(random));
    }
  });
});

function assertRoundTrip(fields: HeaderFields): void {
  const rendered = renderDocumentHeader(fields);
  const body = 'Body text\n---\nmore';
  const header = parseDocumentHeader(rendered + body);
  // The temperature + top_p warning is about the API, not the round trip.
  assert.deepEqual(errors(header), [], rendered);
  assert.deepEqual(header.fields, fields, rendered);
  assert.equal((rendered + body).slice(header.bodyOffset), body, rendered);
}


const PIECES = [
  'a', 'Z', '7', ' ', '  ', '\t', '\n', '\n\n', '\r', ':', ': ', ' #', '#', '"', "'", '\\', '\\n', '|', '>', '-', '---',
  '[', ']', '{', ',', 'é', '日本', '😀', '\ud83d', '\u0000', '\u2028', 'null', 'true', '1.5', 'word', 'key: value',
];

function randomText(random: () => number): string {
  for (;;) {
    let s = '';
    const length = 1 + Math.floor(random() * 8);
    for (let i = 0; i < length; i++) s += PIECES[Math.floor(random() * PIECES.length)];
    if (s.trim() !== '') return s;
  }
}

function randomFields(random: () => number): HeaderFields {
  const fields: HeaderFields = {};
  const maybe = (): boolean => random() < 0.6;
  if (maybe()) fields.model = randomText(random);
  if (maybe()) fields.system = randomText(random);
  if (maybe()) fields.user = randomText(random);
  if (maybe()) fields.temperature = Math.round(random() * 1000) / 1000;
  if (maybe()) fields.max_tokens = 1 + Math.floor(random() * 128000);
  if (maybe()) fields.top_p = random();
  if (maybe()) fields.top_k = 1 + Math.floor(random() * 500);
  if (maybe()) fields.stop_sequences = Array.from({ length: Math.floor(random() * 4) }, () => randomText(random));
  if (maybe() && !fields.user) {
    const count = 1 + 2 * Math.floor(random() * 3);
    fields.messages = Array.from({ length: count }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: randomText(random) }));
  }
  return fields;
}
