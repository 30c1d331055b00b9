/**
 * Streamed line breaks in a real VS Code: the editor turns every inserted line break into the
 * document's own, so the continuation must arrive in that form, or the insertion point drifts and
 * later text lands in the wrong place (issue 16 item 5).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { StreamingInsertion } from '../../src/generation/streamingInsertion';
import { eventually } from '../harness/eventually';
import { scriptedResponder } from '../server/storyResponder';
import { continueAtCursor, loomApi, openWithLineEnding } from './loomTestKit';
import { serverSuite } from './serverSuite';

const DOCUMENTS = [
  { name: 'CRLF', eol: vscode.EndOfLine.CRLF, lineEnding: '\r\n' },
  { name: 'LF', eol: vscode.EndOfLine.LF, lineEnding: '\n' },
] as const;

const LINES = Array.from({ length: 12 }, (_, i) => `line ${i} of the model`);

/** What the model sends: its text, in the tokens it arrives in. */
const MODEL_BREAKS = [
  { name: '\\n', tokens: chunks(LINES.join('\n'), 5) },
  { name: '\\r\\n', tokens: chunks(LINES.join('\r\n'), 5) },
  { name: '\\r\\n split between deltas (\\r | \\n)', tokens: LINES.join('\r\n').split(/(?<=\r)/) },
];

function chunks(text: string, size: number): string[] {
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
}

describe('Streamed line breaks in the document\'s line ending', () => {
  const suite = serverSuite({ maxTokens: 1000, maxTotalTokens: 1000 });

  for (const document of DOCUMENTS) {
    for (const model of MODEL_BREAKS) {
      it(`a ${document.name} document, the model sending ${model.name}: document, tree and provenance agree`, async () => {
        const br = document.lineEnding;
        const before = `A${br}B`;
        const after = `${br}TAIL`;
        const expectedModelText = LINES.join(br);
        suite.server.setResponder(scriptedResponder([{ tokens: model.tokens }]));
        const editor = await openWithLineEnding(document.eol, before, after);
        assert.equal(editor.document.eol, document.eol);

        const outcome = await continueAtCursor();
        assert.equal(outcome?.status, 'completed');
        assert.equal(outcome.text, expectedModelText);
        assert.equal(editor.document.getText(), before + expectedModelText + after);

        const session = (await loomApi()).sessions.get(editor.document);
        assert.ok(session);
        await eventually(() => session.tree.textOf(session.currentId) === session.body(), 'the tree to hold the document', 5000, 10);
        const path = session.tree.pathTo(session.currentId);
        const by = (author: string) => path.filter((n) => n.author === author).map((n) => n.text).join('');
        assert.equal(by('model'), expectedModelText, 'the model wrote exactly its text');
        assert.equal(by('user'), before + after, 'the user wrote exactly theirs');
      });
    }
  }

  it('the insertion point follows the text as it landed, even when the editor rewrote its line breaks', async () => {
    const editor = await openWithLineEnding(vscode.EndOfLine.CRLF, 'A\r\nB', '\r\nTAIL');
    const insertion = new StreamingInsertion(editor.document, editor.document.offsetAt(editor.selection.active), () => undefined);
    try {
      insertion.push({ replace: 0, text: 'x\ny' });
      await insertion.flushed();
      insertion.push({ replace: 0, text: 'z' });
      await insertion.flushed();
      assert.equal(editor.document.getText(), 'A\r\nBx\r\nyz\r\nTAIL');
    } finally {
      insertion.dispose();
    }
  });
});
