/**
 * The front matter of a loom document: an optional block at the very top that sets the
 * conversation around the prefill (model, system prompt, user turn, sampling parameters).
 *
 * ```
 * ---
 * model: claude-sonnet-4-5
 * system: |
 *   You are a novelist.
 * user: "Write the opening of a story."
 * temperature: 0.7
 * stop_sequences: ["\n\nTHE END", "###"]
 * ---
 * The prefill text starts here...
 * ```
 *
 * Rules (a small, strict subset of YAML):
 * - A header exists only if the document's first line is exactly `---` (trailing spaces or tabs,
 *   a leading byte-order mark and `\r\n` line ends are allowed). It ends at the next line that is
 *   exactly `---`; the prefill body starts just after that line's line break.
 * - A header that is never closed is an error and yields no fields: guessing where it ends would
 *   either send header lines as prefill or silently drop prefill text.
 * - Inside: `key: value` lines starting at column 0, blank lines, and `#` comment lines.
 * - Values: plain text (the rest of the line up to a ` #` comment; colons are fine),
 *   `"double-quoted"` with JSON escapes (`\n`, `\t`, `\"`, `\\`, `\uXXXX`, …), `'single-quoted'`
 *   (`''` is a quote), one-line flow lists `["a", 'b', c]`, and literal blocks `|`, `|-`, `|+`
 *   whose space-indented lines follow (common indentation removed, lines of only spaces count as
 *   empty; `|` keeps one final newline, `|-` none, `|+` all of them).
 * - Fields: `endpoint` (the name of an endpoint from the user's settings, never an address),
 *   `model`, `system`, `user` (non-blank text), `temperature` and `top_p` (numbers 0..1),
 *   `top_k` (integer ≥ 1), `max_tokens` (integer 1..128000), `stop_sequences` (a list of strings
 *   with a visible character, or one such string).
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

/** Header keys in the order they are rendered. */
const FIELD_KEYS: readonly FieldKey[] = [
  'endpoint', 'model', 'system', 'user', 'temperature', 'max_tokens', 'top_p', 'top_k', 'stop_sequences',
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
const NULL_WORD = /^(?:null|Null|NULL|~)$/;

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

interface ListItem {
  text: string;
  span: Span;
}

/** A value as written, before it is checked against the field it belongs to. */
type RawValue =
  | { kind: 'scalar'; text: string; plain: boolean; span: Span }
  | { kind: 'list'; items: ListItem[]; span: Span }
  | { kind: 'empty'; span: Span };

interface Problem {
  span: Span;
  message: string;
}

interface ParsedValue {
  value?: RawValue;
  problems: Problem[];
  /** Lines after the key's line that belong to this value (a block's body). */
  extraLines: number;
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
  for (let i = 1; i < close; ) {
    i = parseLine(lines, i, close, state);
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

/** Reads the entry on line `i` and returns the index of the first line after it. */
function parseLine(lines: Line[], i: number, close: number, state: ParseState): number {
  const text = lines[i].text;
  if (isBlank(text) || /^[ \t]*#/.test(text)) return i + 1;
  const entry = matchEntry(text);
  if (typeof entry === 'string') {
    report(state, 'error', { line: i, start: 0, end: text.length }, entry);
    return i + 1;
  }
  const parsed = parseValue(lines, i, close, entry.valueStart);
  handleEntry(state, entry.key, { line: i, start: 0, end: entryEnd(text, parsed) }, parsed);
  return i + 1 + parsed.extraLines;
}

function matchEntry(text: string): { key: string; valueStart: number } | string {
  if (/^[ \t]/.test(text)) return 'Unexpected indented line: only the lines of a "|" block may be indented.';
  if (/^-(?:[ \t]|$)/.test(text)) {
    return 'Block lists are not supported; write a list on one line, e.g. stop_sequences: ["a", "b"].';
  }
  const match = ENTRY.exec(text);
  if (match) return { key: match[1], valueStart: match[0].length };
  if (/^[A-Za-z_][\w.-]*:/.test(text)) return 'Put a space after the ":" (write "key: value").';
  return 'Expected "key: value", a "# comment" or a blank line.';
}

/** The end column of an entry on its own line: its value, or the whole line for a block. */
function entryEnd(text: string, parsed: ParsedValue): number {
  return parsed.value && parsed.value.kind !== 'empty' ? parsed.value.span.end : text.length;
}

function handleEntry(state: ParseState, key: string, entrySpan: Span, parsed: ParsedValue): void {
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
  for (const problem of parsed.problems) report(state, 'error', problem.span, `${key}: ${problem.message}`);
  if (!parsed.value) return;
  const read = readField(key, parsed.value);
  if ('problem' in read) report(state, 'error', read.problem.span, `${key}: ${read.problem.message}`);
  else Object.assign(state.fields, { [key]: read.value });
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

/** Warns about combinations the API rejects even though each value is valid on its own. */
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
}

// ---------------------------------------------------------------------------------------------
// Values as written

function parseValue(lines: Line[], i: number, close: number, from: number): ParsedValue {
  const text = lines[i].text;
  const start = skipBlanks(text, from);
  const first = text.charAt(start);
  // A missing value has no columns of its own, so point at the whole entry.
  if (first === '' || first === '#') return single({ kind: 'empty', span: { line: i, start: 0, end: text.trimEnd().length } });
  if (first === '|' || first === '>') return parseBlock(lines, i, close, start);
  if (first === '"' || first === "'") return single(parseQuoted(text, i, start));
  if (first === '[') return single(parseFlowList(text, i, start));
  if ('{&*!%@`'.includes(first)) {
    return single({ span: { line: i, start, end: text.length }, message: `"${first}" starts YAML syntax that headers do not support; quote the value.` });
  }
  const plain = plainText(text, start);
  return single({ kind: 'scalar', text: plain, plain: true, span: { line: i, start, end: start + plain.length } });
}

/** Blank for layout means spaces and tabs only: other whitespace (a no-break space) is text. */
function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

function single(result: RawValue | Problem): ParsedValue {
  return 'message' in result ? { problems: [result], extraLines: 0 } : { value: result, problems: [], extraLines: 0 };
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** A plain value runs to the end of the line or to a comment (a `#` after a blank). */
function plainText(text: string, start: number): string {
  const comment = text.slice(start).search(/[ \t]#/);
  return text.slice(start, comment < 0 ? text.length : start + comment).trimEnd();
}

function parseQuoted(text: string, line: number, start: number): RawValue | Problem {
  const scanned = text[start] === '"' ? scanDoubleQuoted(text, line, start) : scanSingleQuoted(text, line, start);
  if ('message' in scanned) return scanned;
  const trailing = checkTrailing(text, line, scanned.end);
  if (trailing) return trailing;
  return { kind: 'scalar', text: scanned.text, plain: false, span: { line, start, end: scanned.end } };
}

/** Only blanks or a comment may follow a complete value. */
function checkTrailing(text: string, line: number, end: number): Problem | undefined {
  if (/^[ \t]*(?:#.*)?$/.test(text.slice(end))) return undefined;
  return { span: { line, start: end, end: text.length }, message: 'Unexpected text after the value.' };
}

interface Scanned {
  text: string;
  /** Column just after the closing quote. */
  end: number;
}

function scanDoubleQuoted(text: string, line: number, start: number): Scanned | Problem {
  let out = '';
  for (let i = start + 1; i < text.length; ) {
    const c = text[i];
    if (c === '"') return { text: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const escape = decodeEscape(text, i);
    if (escape === undefined) {
      return {
        span: { line, start: i, end: Math.min(i + 2, text.length) },
        message: 'Unknown escape; use \\n, \\t, \\r, \\", \\\\, \\/, \\b, \\f or \\uXXXX.',
      };
    }
    out += escape;
    i += escapeLength(text, i);
  }
  return unclosedQuote(text, line, start);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

function decodeEscape(text: string, at: number): string | undefined {
  const letter = text.charAt(at + 1);
  if (letter === 'u') {
    const hex = text.slice(at + 2, at + 6);
    return /^[0-9A-Fa-f]{4}$/.test(hex) ? String.fromCharCode(parseInt(hex, 16)) : undefined;
  }
  return Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, letter) ? SIMPLE_ESCAPES[letter] : undefined;
}

function escapeLength(text: string, at: number): number {
  return text.charAt(at + 1) === 'u' ? 6 : 2;
}

function scanSingleQuoted(text: string, line: number, start: number): Scanned | Problem {
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== "'") {
      out += text[i];
    } else if (text[i + 1] === "'") {
      out += "'";
      i++;
    } else {
      return { text: out, end: i + 1 };
    }
  }
  return unclosedQuote(text, line, start);
}

function unclosedQuote(text: string, line: number, start: number): Problem {
  return {
    span: { line, start, end: text.length },
    message: 'The closing quote is missing. Quoted values end on their own line: write line breaks as \\n, or use a "|" block.',
  };
}

function parseFlowList(text: string, line: number, start: number): RawValue | Problem {
  const items: ListItem[] = [];
  let i = skipBlanks(text, start + 1);
  while (text[i] !== ']') {
    if (i >= text.length) return { span: { line, start, end: text.length }, message: 'The list has no closing "]"; a list must end on its own line.' };
    const item = scanListItem(text, line, i);
    if ('message' in item) return item;
    items.push({ text: item.text, span: { line, start: i, end: item.end } });
    i = skipBlanks(text, item.end);
    if (text[i] === ',') i = skipBlanks(text, i + 1);
    else if (text[i] !== ']' && i < text.length) return { span: { line, start: i, end: i + 1 }, message: 'Expected "," or "]".' };
  }
  const trailing = checkTrailing(text, line, i + 1);
  return trailing ?? { kind: 'list', items, span: { line, start, end: i + 1 } };
}

function scanListItem(text: string, line: number, at: number): Scanned | Problem {
  if (text[at] === '"') return scanDoubleQuoted(text, line, at);
  if (text[at] === "'") return scanSingleQuoted(text, line, at);
  const raw = /^[^,\]]*/.exec(text.slice(at))?.[0] ?? '';
  const item = raw.trimEnd();
  if (item === '') return { span: { line, start: at, end: at + 1 }, message: 'Empty list item.' };
  if (/^[[{]/.test(item)) return { span: { line, start: at, end: at + item.length }, message: 'Nested lists and maps are not supported.' };
  return { text: item, end: at + item.length };
}

/** A `|` block: the indicator on the key's line, then the indented lines that follow it. */
function parseBlock(lines: Line[], i: number, close: number, start: number): ParsedValue {
  const text = lines[i].text;
  const extraLines = countBlockLines(lines, i + 1, close);
  const indicator = /^([|>])([+-]?)[ \t]*(?:#.*)?$/.exec(text.slice(start));
  const span: Span = { line: i, start, end: text.length };
  if (!indicator) {
    return { problems: [{ span, message: 'Only "|", "|-" or "|+" may start a block (indentation numbers are not supported).' }], extraLines };
  }
  if (indicator[1] === '>') {
    return { problems: [{ span, message: 'Folded blocks (">") are not supported; use a literal block ("|").' }], extraLines };
  }
  const body = lines.slice(i + 1, i + 1 + extraLines);
  const problems = tabIndentProblems(body, i + 1);
  const value: RawValue = {
    kind: 'scalar',
    text: literalBlock(body.map((l) => l.text), indicator[2]),
    plain: false,
    span: { line: i, start, end: start + 1 + indicator[2].length },
  };
  return { value, problems, extraLines };
}

/** Block lines are the blank or indented lines right after the indicator. */
function countBlockLines(lines: Line[], from: number, close: number): number {
  let j = from;
  while (j < close && (isBlank(lines[j].text) || /^[ \t]/.test(lines[j].text))) j++;
  return j - from;
}

function tabIndentProblems(body: Line[], firstLine: number): Problem[] {
  const problems: Problem[] = [];
  body.forEach((l, k) => {
    if (l.text.startsWith('\t') && !isBlank(l.text)) {
      problems.push({ span: { line: firstLine + k, start: 0, end: 1 }, message: 'Indent block lines with spaces, not tabs.' });
    }
  });
  return problems;
}

/** YAML literal-block semantics with common indentation removed; `chomp` is '', '-' or '+'. */
function literalBlock(raw: string[], chomp: string): string {
  const content = raw.filter((l) => !isBlank(l));
  if (content.length === 0) return chomp === '+' ? '\n'.repeat(raw.length) : '';
  const indent = Math.min(...content.map((l) => /^ */.exec(l)?.[0].length ?? 0));
  const lines = raw.map((l) => (isBlank(l) ? '' : l.slice(indent)));
  let last = lines.length - 1;
  while (lines[last] === '') last--;
  const body = lines.slice(0, last + 1).join('\n');
  if (chomp === '-') return body;
  if (chomp === '+') return body + '\n'.repeat(lines.length - last);
  return body + '\n';
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
  if (value.kind !== 'scalar') return { problem: { span: value.span, message: 'must be text, not a list.' } };
  if (value.text.trim() === '') return { problem: { span: value.span, message: blankMessage } };
  return { value: value.text };
}

function readNumber(value: RawValue, min: number, max: number, integer: boolean): Read<number> {
  const absent = missing(value);
  if (absent) return { problem: absent };
  const wanted = integer ? `a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}` : `a number from ${min} to ${max}`;
  if (value.kind !== 'scalar') return { problem: { span: value.span, message: `must be ${wanted}, not a list.` } };
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
  const items: ListItem[] = value.kind === 'list' ? value.items : [{ text: value.kind === 'scalar' ? value.text : '', span: value.span }];
  const blank = items.find((item) => item.text.trim() === '');
  if (blank) {
    return { problem: { span: blank.span, message: 'each stop sequence needs a visible character (the API rejects empty or whitespace-only ones).' } };
  }
  return { value: items.map((item) => item.text) };
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

function renderEntry(key: FieldKey, value: string | number | string[]): string[] {
  if (typeof value === 'number') return [`${key}: ${String(value)}`];
  if (Array.isArray(value)) return [`${key}: [${value.map(doubleQuote).join(', ')}]`];
  if (isPlainSafe(value)) return [`${key}: ${value}`];
  if (isBlockSafe(value)) return renderBlock(key, value);
  return [`${key}: ${doubleQuote(value)}`];
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

function renderBlock(key: FieldKey, s: string): string[] {
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  const indicator = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  const lines = body.split('\n').map((l) => (l === '' ? '' : `  ${l}`));
  const kept = trailing > 1 ? new Array<string>(trailing - 1).fill('') : [];
  return [`${key}: ${indicator}`, ...lines, ...kept];
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
