import { ImportError } from './importedTree';

/** A JSON object, as the importers see one. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `raw` without `keys`: what a format has no place for, kept verbatim. A `for…in` rather than
 * `Object.entries`, which made a pair per key of every node of an import (same keys, same order).
 */
export function otherFields(raw: JsonObject, keys: readonly string[]): JsonObject {
  const rest: JsonObject = {};
  for (const key in raw) if (!keys.includes(key) && Object.hasOwn(raw, key)) rest[key] = raw[key];
  return rest;
}

/** Whether `raw` has a key not in `keys`: what {@link otherFields} would keep, without a copy. */
export function hasOtherKeys(raw: JsonObject, keys: readonly string[]): boolean {
  for (const key in raw) if (!keys.includes(key) && Object.hasOwn(raw, key)) return true;
  return false;
}

/** Of `flags`, the ones `raw` holds as true or false: those are read as marks; any other value stays a field, kept as it was. */
export function readFlags(raw: JsonObject, flags: readonly string[]): string[] {
  return flags.filter((key) => typeof raw[key] === 'boolean');
}

/** Throws the corrupt-file error of `format` unless `ok`: the message says what was expected. */
export function expect(ok: boolean, format: string, what: string): asserts ok {
  if (!ok) throw new ImportError('corrupt', `This ${format} file is damaged: ${what}.`);
}

/** A node id as a string: other looms use strings or integers. */
export function idText(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

/** Milliseconds since the epoch from an ISO date or a number of milliseconds; undefined if neither. */
export function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Orders nodes given by parent links so that parents come first and siblings keep `order`'s
 * sequence; throws on a cycle or a missing parent.
 */
export function parentsFirst<T>(nodes: Map<string, T>, parentOf: (node: T) => string | null, format: string): string[] {
  const children = new Map<string | null, string[]>();
  for (const [id, node] of nodes) {
    const parent = parentOf(node);
    expect(parent === null || nodes.has(parent), format, `node ${JSON.stringify(id)} names a parent ${JSON.stringify(parent)} that is not in the file`);
    children.set(parent, [...(children.get(parent) ?? []), id]);
  }
  const roots = children.get(null) ?? [];
  expect(roots.length === 1, format, roots.length === 0 ? 'it has no root node (every node has a parent)' : `it has ${roots.length} root nodes (${roots.slice(0, 3).map((r) => JSON.stringify(r)).join(', ')}), one was expected`);
  const ordered: string[] = [];
  const stack = [roots[0]];
  while (stack.length > 0) {
    const id = stack.pop()!;
    ordered.push(id);
    stack.push(...(children.get(id) ?? []).slice().reverse());
  }
  expect(ordered.length === nodes.size, format, 'some nodes are their own ancestors (a cycle of parents)');
  return ordered;
}
