import { isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode, type YAMLError } from 'yaml';

/**
 * The front matter of a loom document: an optional YAML block at the very top that sets the
 * conversation around the prefill (model, system prompt, the turns before it, sampling parameters).
 *
 * ```
 * ---
 * model: claude-sonnet-4-5
 * system: |
 *   You are a novelist.
 * temperature: 0.7
 * stop_sequences: ["\n\nTHE END", "###"]
 * messages:
 *   - user: Write the opening of a story.
 *   - assistant: It was a dark and stormy night.
 *   - user: Again, but in spring.
 * ---
 * The prefill text starts here...
 * ```
 *
 * Rules:
 * - A header exists only if the document's first line is exactly `---` (trailing spaces or tabs,
 *   a leading byte-order mark and `\r\n` line ends are allowed). It ends at the next line that is
 *   exactly `---`; the prefill body starts just after that line's line break.
 * - A header that is never closed is an error and yields no fields: guessing where it ends would
 *   either send header lines as prefill or silently drop prefill text.
 * - Inside is one YAML mapping, read with the `yaml` package and no implicit types (so `0x1`,
 *   `1_000` or `.inf` are never numbers by accident). Each entry starts at column 0; its indented
 *   lines belong to it, and each entry is read on its own, so one bad entry never hides the others.
 *   Double-quoted text takes JSON escapes only; a plain value may hold `: ` (read as text, as
 *   before the move to YAML). Anchors, aliases, tags, folded blocks, block indentation numbers,
 *   plain or quoted text over several lines (YAML joins them with spaces) and more than one
 *   document are refused: a header says what is sent, literally; multi-line text is a `|` block.
 * - Fields: `endpoint` (the name of an endpoint from the user's settings, never an address),
 *   `model`, `system`, `user` (non-blank text), `temperature` and `top_p` (numbers 0..1),
 *   `top_k` (integer ≥ 1), `max_tokens` (integer 1..128000), `stop_sequences` (a list of strings
 *   with a visible character, or one such string), `messages` (the turns before the prefill: a
 *   list of `- user: …` / `- assistant: …`, starting with a user turn, alternating, ending with a
 *   user turn since the body is the assistant's reply; `user` alone is a one-turn conversation).
 * - Invalid values, duplicate keys and keys that would set where requests go or what credentials
 *   they carry are errors; unknown keys are warnings. A field with an error is left out of
 *   `fields` rather than defaulted, and callers must not send while any error exists
 *   (see {@link hasHeaderErrors}).
 */

/** How bad a header problem is: an error blocks sending, a warning does not. */
export type HeaderSeverity = 'error' | 'warning';

/** A problem in the header, positioned in the whole document (0-based, UTF-16 columns). */
export interface HeaderDiagnostic {
  line: number;
  startColumn: number;
  endColumn: number;
  message: string;
  severity: HeaderSeverity;
}

/** One turn of the conversation that comes before the prefill. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** The request settings a header can carry; names follow the Messages API. */
export interface HeaderFields {
  /** The name of an endpoint defined in the user's settings; never a URL (see FORBIDDEN_KEY). */
  endpoint?: string;
  model?: string;
  system?: string;
  user?: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  messages?: ConversationTurn[];
}

/** The result of reading a document's header. */
export interface DocumentHeader {
  /** A header block was found (even if it has errors). */
  present: boolean;
  /** Only the fields whose values are valid. */
  fields: HeaderFields;
  /** UTF-16 offset where the prefill body starts; 0 when there is no header or it is unclosed. */
  bodyOffset: number;
  diagnostics: HeaderDiagnostic[];
}

type FieldKey = keyof HeaderFields;

/** Header keys in the order they are rendered: the conversation last, right above the body. */
const FIELD_KEYS: readonly FieldKey[] = [
  'endpoint', 'model', 'system', 'user', 'temperature', 'max_tokens', 'top_p', 'top_k', 'stop_sequences', 'messages',
];

/** Highest `max_tokens` a header may ask for: the largest output any current model allows. */
export const MAX_TOKENS_LIMIT = 128_000;

/**
 * Keys that would choose where requests go or what credentials they carry. A document can be
 * shared, so letting it set these would let a stranger's file redirect requests (and the key).
 * `endpoint` is the one exception: it only picks, by name, an endpoint the user defined.
 */
const FORBIDDEN_KEY = /key|url|uri|endpoint|host|proxy|secret|password|auth/i;

const FENCE = /^---[ \t]*$/;

/** Whether a document's first line opens a header (a byte-order mark may precede the fence). */
function opensHeader(firstLine: string): boolean {
  return FENCE.test(firstLine.replace(/^\uFEFF/, ''));
}
const ENTRY = /^([A-Za-z_][\w.-]*)[ \t]*:(?=[ \t]|$)/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
/** A block list's item; YAML lets a list under a key start at the key's own column. */
const LIST_ITEM = /^-(?:[ \t]|$)/;
const NULL_WORD = /^(?:null|Null|NULL|~)$/;
/** The escapes JSON knows; YAML's others (`\x41`, `\e`, `\N`, …) would surprise a reader. */
const JSON_ESCAPE = /\\(?:[ntrbf"\\/]|u[0-9A-Fa-f]{4})/y;

interface Line {
  text: string;
  /** Offset of the next line's first character (or the text's length). */
  next: number;
}

interface Span {
  line: number;
  start: number;
  end: number;
}

/** A value as written, before it is checked against the field it belongs to. */
type RawValue =
  | { kind: 'scalar'; text: string; plain: boolean; span: Span }
  | { kind: 'list'; items: RawValue[]; span: Span }
  | { kind: 'map'; pairs: RawPair[]; span: Span }
  | { kind: 'empty'; span: Span };

interface RawPair {
  key: string;
  keySpan: Span;
  value: RawValue;
}

interface Problem {
  span: Span;
  message: string;
}

/** One top-level `key: value` entry with the indented lines that belong to it. */
interface Entry {
  key: string;
  /** Header line index of the key's line. */
  line: number;
  /** The entry's lines, the key's line first. */
  lines: string[];
  valueStart: number;
}

interface ReadEntry {
  value?: RawValue;
  problem?: Problem;
  /** End column of the value on the key's line, for diagnostics about the whole entry. */
  end: number;
}

interface ParseState {
  fields: HeaderFields;
  diagnostics: HeaderDiagnostic[];
  /** Where each key was first set, for duplicate and combination messages. */
  seen: Map<string, Span>;
}

/**
 * Reads the header at the top of `text`. Never throws: every problem becomes a diagnostic.
 * @param text the whole document
 */
export function parseDocumentHeader(text: string): DocumentHeader {
  const lines = headerLines(text);
  if (!opensHeader(lines[0].text)) {
    return { present: false, fields: {}, bodyOffset: 0, diagnostics: [] };
  }
  const close = lines.findIndex((line, index) => index > 0 && FENCE.test(line.text));
  if (close < 0) {
    return { present: true, fields: {}, bodyOffset: 0, diagnostics: [unclosedDiagnostic(lines[0])] };
  }
  const state: ParseState = { fields: {}, diagnostics: [], seen: new Map() };
  const texts = lines.slice(0, close).map((line) => line.text);
  for (let i = 1; i < close; ) {
    i = parseEntryAt(texts, i, state);
  }
  checkCombinations(state);
  return { present: true, fields: state.fields, bodyOffset: lines[close].next, diagnostics: state.diagnostics };
}

/** True when the header has a problem that must stop a request from being sent. */
export function hasHeaderErrors(header: DocumentHeader): boolean {
  return header.diagnostics.some((d) => d.severity === 'error');
}

/**
 * The lines the header can span: the first, and if it opens a header, the rest up to the closing
 * fence. The body is never split: the header is parsed on every request, and a body may be 10 MB.
 */
function headerLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const raw = text.slice(start, end);
    const line = { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, next: newline < 0 ? end : end + 1 };
    lines.push(line);
    const ends = lines.length === 1 ? !opensHeader(line.text) : FENCE.test(line.text);
    if (newline < 0 || ends) return lines;
    start = newline + 1;
  }
}

function unclosedDiagnostic(first: Line): HeaderDiagnostic {
  return {
    line: 0,
    startColumn: 0,
    endColumn: first.text.length,
    severity: 'error',
    message:
      'The header opened by "---" on the first line is never closed, so nothing will be sent. ' +
      'Add a line "---" after the header. To start the prefill itself with "---", put an empty ' +
      'header (two "---" lines) above it.',
  };
}

// ---------------------------------------------------------------------------------------------
// Entries

/** Reads the entry starting on line `i` and returns the index of the first line after it. */
function parseEntryAt(lines: string[], i: number, state: ParseState): number {
  const text = lines[i];
  if (isBlank(text) || /^[ \t]*#/.test(text)) return i + 1;
  const entry = matchEntry(text);
  if (typeof entry === 'string') {
    report(state, 'error', { line: i, start: 0, end: text.length }, entry);
    return i + 1;
  }
  const count = 1 + countIndentedLines(lines, i + 1);
  handleEntry(state, { key: entry.key, line: i, lines: lines.slice(i, i + count), valueStart: entry.valueStart });
  return i + count;
}

function matchEntry(text: string): { key: string; valueStart: number } | string {
  if (/^[ \t]/.test(text)) {
    return 'Unexpected indented line: only the lines of a "|" block or of a list under its key may be indented.';
  }
  if (LIST_ITEM.test(text)) {
    return 'A list item needs its key above it, indented under it: e.g. "messages:" then "  - user: Hello.".';
  }
  if (/^(?:\.\.\.|%)/.test(text)) {
    return 'A header is one document of "key: value" lines (YAML); document markers ("...") and directives ("%YAML") are not supported.';
  }
  const match = ENTRY.exec(text);
  if (match) return { key: match[1], valueStart: match[0].length };
  if (/^[A-Za-z_][\w.-]*:/.test(text)) return 'Put a space after the ":" (write "key: value").';
  return 'Expected "key: value", a "# comment" or a blank line; a line of a "|" block is indented under its key.';
}

/**
 * An entry's lines are the blank and indented lines after its key (a `|+` block keeps trailing
 * blank lines). A comment at column 0 stays inside only when an indented line follows it (between
 * two list items), not when the next key does. Blank lines after such a comment may stay: YAML
 * ends a block at the comment, so they add nothing to the value.
 */
function countIndentedLines(lines: string[], from: number): number {
  let last = from - 1;
  for (let j = from; j < lines.length; j++) {
    const text = lines[j];
    if (isBlank(text) || /^[ \t]/.test(text) || LIST_ITEM.test(text)) last = j;
    else if (!text.startsWith('#')) break;
  }
  return last - from + 1;
}

function handleEntry(state: ParseState, entry: Entry): void {
  const { key } = entry;
  const read = readEntry(entry);
  const entrySpan: Span = { line: entry.line, start: 0, end: read.end };
  if (FORBIDDEN_KEY.test(key) && key !== 'endpoint') {
    report(state, 'error', entrySpan, forbiddenKeyMessage(key));
    return;
  }
  const previous = state.seen.get(key);
  if (previous) {
    report(state, 'error', entrySpan, `"${key}" is already set on line ${previous.line + 1}; a key may appear only once.`);
    return;
  }
  state.seen.set(key, entrySpan);
  if (!isFieldKey(key)) {
    report(state, 'warning', entrySpan, unknownKeyMessage(key));
    return;
  }
  if (read.problem) {
    report(state, 'error', read.problem.span, `${key}: ${read.problem.message}`);
    return;
  }
  const field = readField(key, read.value ?? { kind: 'empty', span: entrySpan });
  if ('problem' in field) report(state, 'error', field.problem.span, `${key}: ${field.problem.message}`);
  else Object.assign(state.fields, { [key]: field.value });
}

function isFieldKey(key: string): key is FieldKey {
  return (FIELD_KEYS as readonly string[]).includes(key);
}

function forbiddenKeyMessage(key: string): string {
  // Never echo the value: it may be a real secret pasted by mistake.
  return (
    `"${key}" cannot be set in a document. Where requests go and which API key they use are set only ` +
    'in VS Code settings and SecretStorage, so a shared document can never redirect your requests ' +
    'or carry credentials. Remove this line.'
  );
}

function unknownKeyMessage(key: string): string {
  const guess = FIELD_KEYS.find((known) => known === normalizeKey(key));
  const hint = guess ? ` Did you mean "${guess}"?` : '';
  return `Unknown key "${key}" is ignored.${hint} Known keys: ${FIELD_KEYS.join(', ')}.`;
}

/** Folds camelCase, kebab-case and capitals onto the header's snake_case spelling. */
function normalizeKey(key: string): string {
  const snake = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();
  return snake === 'stop' ? 'stop_sequences' : snake;
}

function report(state: ParseState, severity: HeaderSeverity, span: Span, message: string): void {
  state.diagnostics.push({ line: span.line, startColumn: span.start, endColumn: span.end, message, severity });
}

/** Flags combinations that are wrong even though each value is valid on its own. */
function checkCombinations(state: ParseState): void {
  const topP = state.seen.get('top_p');
  if (state.fields.temperature !== undefined && state.fields.top_p !== undefined && topP) {
    report(
      state,
      'warning',
      topP,
      'Setting both temperature and top_p is rejected by newer Claude models (Sonnet 4.5, Haiku 4.5 and later); keep one.',
    );
  }
  const user = state.seen.get('user');
  if (user && state.seen.has('messages')) {
    report(
      state,
      'error',
      user,
      'Set either "user" or "messages", not both: they both say the turns before the prefill. Move this text into messages as its last "- user:" turn.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Values as written, read by the yaml package

/** Where the entry's text sits in the document, to turn yaml's offsets into lines and columns. */
class EntryText {
  readonly source: string;
  private readonly starts: number[] = [];

  constructor(private readonly entry: Entry) {
    let offset = 0;
    for (const line of entry.lines) {
      this.starts.push(offset);
      offset += line.length + 1;
    }
    // Every header line ends with a line break (the closing fence follows), which `|+` keeps.
    this.source = `${entry.lines.join('\n')}\n`;
  }

  /** The span from `start` to `end` (offsets in the entry), cut at the end of `start`'s line. */
  span(start: number, end: number): Span {
    let k = this.starts.length - 1;
    while (k > 0 && this.starts[k] > start) k--;
    const lineEnd = this.starts[k] + this.entry.lines[k].length;
    // yaml may place an error just past the line's end (at its line break); a span never starts there.
    const from = Math.min(start, lineEnd);
    return { line: this.entry.line + k, start: from - this.starts[k], end: Math.min(Math.max(end, from), lineEnd) - this.starts[k] };
  }

  /** The `-` of the block list item whose value would start at `offset`: an empty item has no text to point at. */
  itemDash(offset: number): Span {
    const at = this.span(offset, offset);
    const dash = this.entry.lines[at.line - this.entry.line].lastIndexOf('-', at.start - 1);
    return dash < 0 ? at : { line: at.line, start: dash, end: dash + 1 };
  }

  /** The whole of the key's line. */
  keyLine(): Span {
    return { line: this.entry.line, start: 0, end: this.entry.lines[0].length };
  }
}

function readEntry(entry: Entry): ReadEntry {
  const text = new EntryText(entry);
  const keyLine = entry.lines[0];
  const tab = entry.lines.findIndex((line, k) => k > 0 && line.startsWith('\t') && !isBlank(line));
  if (tab > 0) {
    return { end: keyLine.length, problem: { span: { line: entry.line + tab, start: 0, end: 1 }, message: 'Indent with spaces, not tabs.' } };
  }
  if (entry.lines.slice(1).every(isBlankOrComment) && plainWithColon(keyLine, entry.valueStart)) {
    const value = plainText(keyLine, entry.valueStart);
    const start = skipBlanks(keyLine, entry.valueStart);
    return { end: start + value.length, value: { kind: 'scalar', text: value, plain: true, span: { line: entry.line, start, end: start + value.length } } };
  }
  // No implicit types: every scalar is text, checked against its field here.
  const document = parseDocument(text.source, { schema: 'failsafe', uniqueKeys: false, prettyErrors: false });
  const pair = isMap(document.contents) ? document.contents.items[0] : undefined;
  const node = pair?.value as YamlNode | null | undefined;
  // A value below the key line, or a block (its range takes its line break), ends past the key line.
  const end = node ? Math.min(rangeOf(node)[1], keyLine.length) : keyLine.length;
  const error = document.errors[0];
  if (error) return { end, problem: yamlProblem(error, text, node) };
  if (!node) return { end };
  const refused = refusedFeature(node, text);
  if (refused) return { end, problem: refused };
  return { end, value: rawValue(node, text) };
}

/**
 * A plain one-line value holding `: ` (`user: Title: the story`) is read as text, as the header
 * always did; a YAML reader would take it for a nested map and fail.
 */
function plainWithColon(text: string, from: number): boolean {
  const value = plainText(text, from);
  return /^[^-?:,[\]{}#&*!|>'"%@`\s]/.test(value) && /:(?:[ \t]|$)/.test(value);
}

/** The yaml package's complaint, in the header's words where a better one is known. */
function yamlProblem(error: YAMLError, text: EntryText, node: YamlNode | null | undefined): Problem {
  const [start, end] = error.pos;
  const message = error.message.split('\n')[0];
  if (error.code === 'MISSING_CHAR' && /quote/.test(message)) {
    // The error sits where the text ends; the opening quote is where the unclosed text starts.
    const quoted = node ? rangeOf(nodeAt(node, start))[0] : start;
    return { span: text.span(quoted, Number.MAX_SAFE_INTEGER), message: 'The closing quote is missing. Write line breaks as \\n, or use a "|" block.' };
  }
  if (error.code === 'BAD_DQ_ESCAPE' && node && isScalar(node)) {
    return escapeProblem(node, text) ?? { span: text.span(start, end), message };
  }
  if (error.code === 'BAD_INDENT' && /Flow sequence/.test(message)) {
    return { span: text.span(node ? rangeOf(node)[0] : start, Number.MAX_SAFE_INTEGER), message: 'The list has no closing "]".' };
  }
  if (error.code === 'MISSING_CHAR' && /flow sequence/.test(message)) return { span: text.span(start, end), message: 'Expected "," or "]".' };
  if (error.code === 'UNEXPECTED_TOKEN' && /Unexpected ,/.test(message)) return { span: text.span(start, end), message: 'Empty list item.' };
  if (error.code === 'UNEXPECTED_TOKEN' && /block-seq-ind/.test(message)) {
    return {
      span: text.span(start, Number.MAX_SAFE_INTEGER),
      message: 'A list item ("- ") goes on its own line under its key: "key:" then "  - item". To write text that starts with "- ", put it in quotes.',
    };
  }
  if (error.code === 'UNEXPECTED_TOKEN' && /at node end/.test(message)) {
    return { span: text.span(start, Number.MAX_SAFE_INTEGER), message: 'Unexpected text after the value: put it inside the quotes or brackets, or after " #" as a comment.' };
  }
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY') {
    return {
      span: text.span(start, Number.MAX_SAFE_INTEGER),
      message: 'This text reads as a new key (a ": " inside it, or a "?" first); put the text in quotes or in a "|" block.',
    };
  }
  if (error.code === 'BAD_SCALAR_START') {
    return { span: text.span(start, Number.MAX_SAFE_INTEGER), message: 'Text starting with "@" or "`" is not supported unquoted; put it in quotes.' };
  }
  return { span: text.span(start, end), message: `${message} (as YAML reads it); check this line's indentation and its ": ".` };
}

/** The first YAML feature that has no place in a header, anywhere in the value. */
function refusedFeature(node: YamlNode, text: EntryText): Problem | undefined {
  const span = text.span(rangeOf(node)[0], rangeOf(node)[1]);
  if (isAlias(node)) return { span, message: 'Aliases ("*name") are not supported: write the text out.' };
  if (node.anchor) return { span, message: 'Anchors ("&name") are not supported: write the text out where it is used.' };
  if (node.tag) return { span, message: 'Tags ("!tag") are not supported: a header value is text, a number or a list.' };
  if (isScalar(node)) return scalarFeature(node, text);
  if (isMap(node) && node.flow) {
    // yaml reads `[a, b: c]` as a list holding a one-pair map, with no braces to be seen.
    if (text.source[rangeOf(node)[0]] !== '{') return { span, message: 'A ": " inside a list item in brackets reads as a key; put the item in quotes.' };
    return { span, message: 'Maps written in braces ("{…}") are not supported; write "key: value" on its own line.' };
  }
  if (isCollection(node)) {
    for (const item of node.items) {
      const inner = isScalar(item) || isCollection(item) || isAlias(item) ? refusedFeature(item, text) : pairFeature(item, text);
      if (inner) return inner;
    }
  }
  return undefined;
}

function pairFeature(pair: unknown, text: EntryText): Problem | undefined {
  if (typeof pair !== 'object' || pair === null) return undefined;
  const { key, value } = pair as { key?: unknown; value?: unknown };
  for (const part of [key, value]) {
    if (isScalar(part) || isCollection(part) || isAlias(part)) {
      const problem = refusedFeature(part, text);
      if (problem) return problem;
    }
  }
  return undefined;
}

function scalarFeature(node: YamlNode, text: EntryText): Problem | undefined {
  if (!isScalar(node)) return undefined;
  const header = blockHeader(node, text);
  const indicator = text.span(rangeOf(node)[0], rangeOf(node)[0] + header.length);
  if (node.type === 'BLOCK_FOLDED') return { span: indicator, message: 'Folded blocks (">") are not supported; use a literal block ("|").' };
  if (node.type === 'BLOCK_LITERAL' && !/^\|[+-]?$/.test(header)) {
    return { span: indicator, message: 'Only "|", "|-" or "|+" may start a block (indentation numbers are not supported).' };
  }
  const [start, end] = rangeOf(node);
  if (!isBlockScalar(node) && text.span(start, end).line !== text.span(end, end).line) {
    return {
      span: text.span(start, end),
      message: 'Text over several lines must be a "|" block: plain and quoted text would join its lines with spaces.',
    };
  }
  if (node.type === 'QUOTE_DOUBLE') return escapeProblem(node, text);
  return undefined;
}

/** Double-quoted text takes the JSON escapes only; points at the first other one. */
function escapeProblem(node: YamlNode, text: EntryText): Problem | undefined {
  const source = text.source.slice(rangeOf(node)[0], rangeOf(node)[1]);
  for (let i = 1; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    JSON_ESCAPE.lastIndex = i;
    if (!JSON_ESCAPE.test(source)) {
      return { span: text.span(rangeOf(node)[0] + i, rangeOf(node)[0] + i + 2), message: 'Unknown escape; use \\n, \\t, \\r, \\", \\\\, \\/, \\b, \\f or \\uXXXX.' };
    }
    i = JSON_ESCAPE.lastIndex - 1;
  }
  return undefined;
}

/** The innermost node (a list item, a turn's text) whose range holds `offset`. */
function nodeAt(node: YamlNode, offset: number): YamlNode {
  if (!isCollection(node)) return node;
  for (const item of node.items) {
    for (const part of isPair(item) ? [item.key, item.value] : [item]) {
      if (isNode(part) && rangeOf(part)[0] <= offset && offset <= rangeOf(part)[1]) return nodeAt(part, offset);
    }
  }
  return node;
}

/** A parsed node always has its range; the type allows none for nodes built in code. */
function rangeOf(node: YamlNode): [number, number] {
  const range = node.range ?? [0, 0, 0];
  return [range[0], range[1]];
}

/** A block's indicator as written (`|`, `|-`, `>`, `|2`…), where diagnostics about it point. */
function blockHeader(node: YamlNode, text: EntryText): string {
  return /^[|>][^\s#]*/.exec(text.source.slice(rangeOf(node)[0]))?.[0] ?? '';
}

function isBlockScalar(node: YamlNode): boolean {
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
}

/** The yaml node as the field readers see it: text, list, map or nothing, each with its place. */
function rawValue(node: YamlNode | null | undefined, text: EntryText, fallback?: Span): RawValue {
  if (!node) return { kind: 'empty', span: fallback ?? text.keyLine() };
  const span = text.span(rangeOf(node)[0], rangeOf(node)[1]);
  if (isScalar(node)) {
    const value = String(node.value);
    if (node.type === 'PLAIN' && value === '') return { kind: 'empty', span: fallback ?? text.keyLine() };
    if (isBlockScalar(node)) {
      return { kind: 'scalar', text: value, plain: false, span: { ...span, end: span.start + blockHeader(node, text).length } };
    }
    return { kind: 'scalar', text: value, plain: node.type === 'PLAIN', span };
  }
  if (isSeq(node)) {
    return { kind: 'list', items: node.items.map((item) => rawValue(item as YamlNode, text, text.itemDash(rangeOf(item as YamlNode)[0]))), span };
  }
  if (isMap(node)) {
    const pairs = node.items.map((pair) => {
      const key = pair.key as YamlNode | null;
      const keySpan = key ? text.span(rangeOf(key)[0], rangeOf(key)[1]) : span;
      // A key without a value is pointed at from its key to the end of its line.
      const keyToLineEnd = key ? text.span(rangeOf(key)[0], Number.MAX_SAFE_INTEGER) : span;
      return { key: isScalar(key) ? String(key.value) : '', keySpan, value: rawValue(pair.value as YamlNode | null, text, keyToLineEnd) };
    });
    return { kind: 'map', pairs, span };
  }
  return { kind: 'empty', span };
}

function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

function isBlankOrComment(text: string): boolean {
  return isBlank(text) || /^[ \t]*#/.test(text);
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** A plain value runs to the end of the line or to a comment (a `#` after a blank). */
function plainText(text: string, start: number): string {
  const from = skipBlanks(text, start);
  const comment = text.slice(from).search(/[ \t]#/);
  return text.slice(from, comment < 0 ? text.length : from + comment).trimEnd();
}

// ---------------------------------------------------------------------------------------------
// Values checked against their field

type Read<T> = { value: T } | { problem: Problem };

function readField(key: FieldKey, value: RawValue): Read<HeaderFields[FieldKey]> {
  switch (key) {
    case 'endpoint':
      return readEndpointName(value);
    case 'model':
      return readText(value, 'needs a model id, e.g. claude-sonnet-4-5.');
    case 'system':
    case 'user':
      return readText(value, 'must not be blank (the API rejects empty messages); delete the line to use the default.');
    case 'temperature':
    case 'top_p':
      return readNumber(value, 0, 1, false);
    case 'top_k':
      return readNumber(value, 1, Number.MAX_SAFE_INTEGER, true);
    case 'max_tokens':
      return readNumber(value, 1, MAX_TOKENS_LIMIT, true);
    case 'stop_sequences':
      return readStopSequences(value);
    case 'messages':
      return readMessages(value);
  }
}

/** A name only: a value that looks like an address is refused, so a document can never choose where requests go. */
function readEndpointName(value: RawValue): Read<string> {
  const read = readText(value, 'needs the name of an endpoint from your settings, e.g. local-llama.');
  if ('value' in read && /[:/\\]/.test(read.value)) {
    return { problem: { span: value.span, message: 'must be the name of an endpoint defined in your settings ("Prefill Loom: Add Endpoint…"), not an address: a document cannot choose where requests go.' } };
  }
  return read;
}

function missing(value: RawValue): Problem | undefined {
  if (value.kind === 'empty') return { span: value.span, message: 'needs a value; delete the line to use the default.' };
  if (value.kind === 'scalar' && value.plain && NULL_WORD.test(value.text)) {
    return { span: value.span, message: 'null is not a value; delete the line to use the default.' };
  }
  return undefined;
}

function readText(value: RawValue, blankMessage: string): Read<string> {
  const absent = missing(value);
  if (absent) return { problem: absent };
  if (value.kind === 'list') return { problem: { span: value.span, message: 'must be text, not a list.' } };
  if (value.kind !== 'scalar') return { problem: { span: value.span, message: 'must be text; maps are not supported here.' } };
  if (value.text.trim() === '') return { problem: { span: value.span, message: blankMessage } };
  return { value: value.text };
}

function readNumber(value: RawValue, min: number, max: number, integer: boolean): Read<number> {
  const absent = missing(value);
  if (absent) return { problem: absent };
  const wanted = integer ? `a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}` : `a number from ${min} to ${max}`;
  if (value.kind !== 'scalar') return { problem: { span: value.span, message: `must be ${wanted}, not a ${value.kind}.` } };
  if (!value.plain) return { problem: { span: value.span, message: `must be ${wanted}, not quoted text; remove the quotes.` } };
  const n = Number(value.text);
  const syntaxOk = (integer ? INTEGER : NUMBER).test(value.text);
  if (!syntaxOk || !Number.isFinite(n) || n < min || n > max) {
    return { problem: { span: value.span, message: `must be ${wanted} (got ${value.text}).` } };
  }
  return { value: n };
}

function readStopSequences(value: RawValue): Read<string[]> {
  const absent = missing(value);
  if (absent) return { problem: absent };
  if (value.kind === 'map') return { problem: { span: value.span, message: 'must be a list of strings, not a map.' } };
  const items = value.kind === 'list' ? value.items : [value];
  const texts: string[] = [];
  for (const item of items) {
    if (item.kind === 'list' || item.kind === 'map') return { problem: { span: item.span, message: 'Nested lists and maps are not supported.' } };
    const text = item.kind === 'scalar' ? item.text : '';
    if (text.trim() === '') {
      return { problem: { span: item.span, message: 'each stop sequence needs a visible character (the API rejects empty or whitespace-only ones).' } };
    }
    texts.push(text);
  }
  return { value: texts };
}

const TURN_SHAPE = 'each turn is one "user: …" or "assistant: …" entry, written "- user: Hello." on its own line.';

/** The turns before the prefill, in the order and shape every endpoint accepts. */
function readMessages(value: RawValue): Read<ConversationTurn[]> {
  const absent = missing(value);
  if (absent) return { problem: absent };
  if (value.kind !== 'list') return { problem: { span: value.span, message: 'must be a list of turns, one per line: "- user: …" then "- assistant: …".' } };
  if (value.items.length === 0) return { problem: { span: value.span, message: 'needs at least one turn; delete the line to use the default user turn.' } };
  const turns: ConversationTurn[] = [];
  for (const item of value.items) {
    const turn = readTurn(item, turns);
    if ('problem' in turn) return turn;
    turns.push(turn.value);
  }
  if (turns[turns.length - 1].role === 'assistant') {
    const last = value.items[value.items.length - 1];
    return {
      problem: {
        span: last.span,
        message: 'the last turn must be a user turn: the document body is the assistant reply that follows it. Move this text below the header to continue it.',
      },
    };
  }
  return { value: turns };
}

function readTurn(item: RawValue, before: ConversationTurn[]): Read<ConversationTurn> {
  if (item.kind !== 'map' || item.pairs.length !== 1) return { problem: { span: item.span, message: TURN_SHAPE } };
  const [{ key, keySpan, value }] = item.pairs;
  if (key !== 'user' && key !== 'assistant') {
    return { problem: { span: keySpan, message: `a turn's role is "user" or "assistant" (the system prompt goes in "system:" above). ${TURN_SHAPE}` } };
  }
  const previous = before[before.length - 1];
  if (!previous && key !== 'user') return { problem: { span: keySpan, message: 'the first turn must be a user turn (the API starts every conversation with the user).' } };
  if (previous && previous.role === key) {
    return { problem: { span: keySpan, message: `turns must alternate between user and assistant; this is a second "${key}" turn in a row. Join the two texts into one turn.` } };
  }
  if (value.kind === 'empty') return { problem: { span: value.span, message: "needs a value: write the turn's text, or delete the turn." } };
  const content = readText(value, "must not be blank (the API rejects empty messages); write the turn's text, or delete the turn.");
  return 'problem' in content ? content : { value: { role: key, content: content.value } };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * Writes a header block (ending with a line break) that {@link parseDocumentHeader} reads back to
 * exactly `fields`. Fields are expected to be valid, as parsing produces them; keys come out in a
 * fixed order and absent fields are left out. Text is written plain when that is unambiguous,
 * as a `|` block when it spans lines, and double-quoted otherwise.
 */
export function renderDocumentHeader(fields: HeaderFields): string {
  const lines = ['---'];
  for (const key of FIELD_KEYS) {
    const value = fields[key];
    if (value !== undefined) lines.push(...renderEntry(key, value));
  }
  lines.push('---');
  return lines.join('\n') + '\n';
}

function renderEntry(key: FieldKey, value: NonNullable<HeaderFields[FieldKey]>): string[] {
  if (typeof value === 'number') return [`${key}: ${String(value)}`];
  if (typeof value === 'string') return renderText(key, value, '');
  if (isTurnList(value)) return [`${key}:`, ...value.flatMap((turn) => renderText(`  - ${turn.role}`, turn.content, '    '))];
  return [`${key}: [${value.map(doubleQuote).join(', ')}]`];
}

function isTurnList(value: string[] | ConversationTurn[]): value is ConversationTurn[] {
  return value.some((item) => typeof item !== 'string');
}

/** `label: text`, with a block's lines indented past `indent` (the label's own nesting). */
function renderText(label: string, value: string, indent: string): string[] {
  if (isPlainSafe(value)) return [`${label}: ${value}`];
  if (isBlockSafe(value)) return renderBlock(label, value, `${indent}  `);
  return [`${label}: ${doubleQuote(value)}`];
}

/**
 * Plain only when no YAML reader could take it for anything else: starts with a letter or digit,
 * no comment or mapping markers, no edge blanks, and not a word YAML reads as null, bool or number.
 */
function isPlainSafe(s: string): boolean {
  return (
    /^[\p{L}\p{N}_][\p{L}\p{N} _.,;!?()/+'-]*$/u.test(s) &&
    !s.endsWith(' ') &&
    !/^(?:null|true|false|yes|no|on|off|y|n)$/i.test(s) &&
    !NUMBER.test(s)
  );
}

/**
 * A block keeps multi-line text readable, but only when it survives editors and readers intact:
 * no control characters, no trailing blanks (editors strip them), and a first line that does not
 * start with a blank (YAML takes the block's indentation from it).
 */
function isBlockSafe(s: string): boolean {
  if (!s.includes('\n') || s.trim() === '') return false;
  if (/[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufeff]/.test(s) || hasLoneSurrogate(s)) return false;
  const lines = s.split('\n');
  if (lines.some((l) => /[ \t]$/.test(l))) return false;
  const firstContent = lines.find((l) => l !== '') ?? '';
  return !/^[ \t]/.test(firstContent);
}

function renderBlock(label: string, s: string, indent: string): string[] {
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  const indicator = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  const lines = body.split('\n').map((l) => (l === '' ? '' : `${indent}${l}`));
  const kept = trailing > 1 ? new Array<string>(trailing - 1).fill('') : [];
  return [`${label}: ${indicator}`, ...lines, ...kept];
}

const QUOTE_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' };

function doubleQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (Object.prototype.hasOwnProperty.call(QUOTE_ESCAPES, c)) out += QUOTE_ESCAPES[c];
    else if (needsUnicodeEscape(s, i, code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out + '"';
}

/** Control and invisible line-breaking characters, and halves of broken surrogate pairs. */
function needsUnicodeEscape(s: string, i: number, code: number): boolean {
  if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 || code === 0xfeff) return true;
  return isLoneSurrogateAt(s, i);
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isLoneSurrogateAt(s, i)) return true;
  return false;
}

function isLoneSurrogateAt(s: string, i: number): boolean {
  const code = s.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (code >= 0xdc00 && code <= 0xdfff) {
    const prev = s.charCodeAt(i - 1);
    return !(prev >= 0xd800 && prev <= 0xdbff);
  }
  return false;
}
