// Loomsidian (cosmicoptima/loom, `main.ts`, `common.ts`): the Obsidian plugin keeps one `data.json`
// with `settings` and `state`, every note's tree keyed by the note's path. A note's state is
// {current, hoisted, searchTerm, nodes: {<uuid>: {text, parentId, collapsed, unread, bookmarked,
// lastVisited}}, generating}. Children are in the order their entries appear. Loomsidian does not
// record who wrote a node, so authorship is unknown.

import type { ImportedNode, ImportedTree } from './importedTree';
import { ImportError } from './importedTree';
import { expect, isJsonObject, otherFields, parentsFirst, readFlags, type JsonObject } from './jsonShape';

const FORMAT = 'Loomsidian';
const NODE_KEYS = ['text', 'parentId'];
const NOTE_KEYS = ['current', 'nodes'];

/** Every note's tree in a plugin `data.json`, or the single note a per-note export holds. */
export function loomsidianNotes(raw: JsonObject): Map<string, JsonObject> | undefined {
  if (isNoteState(raw)) return new Map([['', raw]]);
  if (!isJsonObject(raw.state)) return undefined;
  const notes = Object.entries(raw.state).filter((entry): entry is [string, JsonObject] => isNoteState(entry[1]));
  return notes.length > 0 ? new Map(notes) : undefined;
}

function isNoteState(v: unknown): boolean {
  return isJsonObject(v) && typeof v.current === 'string' && isJsonObject(v.nodes);
}

/** Reads one note's tree; `note` picks it when the file holds several. */
export function readLoomsidian(raw: JsonObject, note: string | undefined): ImportedTree {
  const notes = loomsidianNotes(raw)!;
  const name = note ?? (notes.size === 1 ? [...notes.keys()][0] : undefined);
  if (name === undefined) throw new ImportError('unknownShape', `This Loomsidian file holds ${notes.size} notes; say which one (--note PATH): ${[...notes.keys()].slice(0, 5).join(', ')}${notes.size > 5 ? ', …' : ''}.`);
  const state = notes.get(name);
  if (!state) throw new ImportError('unknownShape', `This Loomsidian file has no note ${JSON.stringify(name)}.`);
  const entries = new Map(Object.entries(state.nodes as JsonObject));
  for (const [id, node] of entries) expect(isJsonObject(node) && typeof node.text === 'string', FORMAT, `node ${JSON.stringify(id)} has no text`);
  const nodes = entries as Map<string, JsonObject>;
  const order = parentsFirst(nodes, (n) => (typeof n.parentId === 'string' ? n.parentId : null), FORMAT);
  const imported: ImportedNode[] = order.map((id) => {
    const n = nodes.get(id)!;
    return {
      id,
      parentId: typeof n.parentId === 'string' ? n.parentId : null,
      text: n.text as string,
      author: 'user',
      authorship: 'unknown',
      bookmarked: n.bookmarked === true,
      fields: otherFields(n, [...NODE_KEYS, ...readFlags(n, ['bookmarked'])]),
    };
  });
  const noteFields = otherFields(state, NOTE_KEYS);
  imported[0].fields = { ...imported[0].fields, ...(name !== '' ? { note: name } : {}), ...(Object.keys(noteFields).length > 0 ? { noteState: noteFields } : {}) };
  return { format: 'loomsidian', rootId: order[0], currentId: state.current as string, nodes: imported };
}
