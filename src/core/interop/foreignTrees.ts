import { TREE_FORMAT } from '../loom/treeFormat';
import { looksLikeBonsai, readBonsai } from './bonsai';
import { looksLikeExoloom, readExoloom } from './exoloom';
import { buildImportedTree, FORMAT_NAMES, FOREIGN_FORMATS, ImportError, type ForeignFormat, type ImportResult } from './importedTree';
import { isJsonObject, type JsonObject } from './jsonShape';
import { loomsidianNotes, readLoomsidian } from './loomsidian';
import { looksLikeMiniloom, readMiniloom } from './miniloom';
import { looksLikeTkLoom, readTkLoom } from './tkLoom';

const DETECTORS: ReadonlyArray<[ForeignFormat, (raw: JsonObject) => boolean]> = [
  ['exoloom', looksLikeExoloom],
  ['miniloom', looksLikeMiniloom],
  ['loomsidian', (raw) => loomsidianNotes(raw) !== undefined],
  ['bonsai', looksLikeBonsai],
  ['tk-loom', looksLikeTkLoom],
];

/** Parses a file's text as JSON; a file that is not JSON is corrupt, whatever loom wrote it. */
export function parseForeignJson(text: string): JsonObject {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ImportError('corrupt', `The file is not valid JSON (${(e as Error).message}); every supported loom saves JSON.`);
  }
  if (!isJsonObject(raw)) throw new ImportError('unknownShape', unknownShape('its top level is not a JSON object'));
  return raw;
}

/** The formats whose shape the file has: one, several (ask the user) or none. */
export function detectFormats(raw: JsonObject): ForeignFormat[] {
  return DETECTORS.filter(([, looks]) => looks(raw)).map(([format]) => format);
}

/** The note paths of a Loomsidian `data.json`, with each note's node count, for a picker. */
export function loomsidianNoteList(raw: JsonObject): Array<{ path: string; nodes: number }> {
  return [...(loomsidianNotes(raw) ?? new Map<string, JsonObject>())].map(([path, state]) => ({ path, nodes: Object.keys(state.nodes as JsonObject).length }));
}

export interface ForeignImportOptions {
  /** The format, when the user named it; detected otherwise. */
  format?: ForeignFormat;
  /** For Loomsidian: which note's tree. */
  note?: string;
}

/** Reads another loom's file into a loom tree, keeping everything it cannot map as metadata. */
export function importForeignTree(raw: JsonObject, options: ForeignImportOptions = {}): ImportResult {
  if (raw.format === TREE_FORMAT) throw new ImportError('unknownShape', 'This is a Prefill Loom tree already: open it with "Loom Tree: Import…" (or use it as a tree file).');
  const detected = detectFormats(raw);
  const format = options.format ?? (detected.length === 1 ? detected[0] : undefined);
  if (format === undefined) {
    throw new ImportError(
      'unknownShape',
      detected.length === 0
        ? unknownShape('it matches none of their shapes')
        : `The file could be ${detected.map((f) => FORMAT_NAMES[f]).join(' or ')}; say which (--format ${detected.join('|')}).`,
    );
  }
  if (options.format !== undefined && !detected.includes(format)) throw new ImportError('unknownShape', `The file does not have the shape of a ${FORMAT_NAMES[format]} file${detected.length > 0 ? ` (it looks like ${detected.map((f) => FORMAT_NAMES[f]).join(' or ')})` : ''}.`);
  return buildImportedTree(READERS[format](raw, options));
}

const READERS: Readonly<Record<ForeignFormat, (raw: JsonObject, options: ForeignImportOptions) => ReturnType<typeof readTkLoom>>> = {
  'tk-loom': readTkLoom,
  loomsidian: (raw, options) => readLoomsidian(raw, options.note),
  exoloom: readExoloom,
  miniloom: readMiniloom,
  bonsai: readBonsai,
};

function unknownShape(why: string): string {
  return `This file is not a tree from a loom Prefill Loom can read (${why}). Supported: ${FOREIGN_FORMATS.map((f) => FORMAT_NAMES[f]).join(', ')}.`;
}
