import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { importForeignTree, parseForeignJson } from '../core/interop/foreignTrees';
import { FOREIGN_FORMATS, ImportError, type ForeignFormat } from '../core/interop/importedTree';
import { writeTkLoom } from '../core/interop/tkLoom';
import { parseTreeFile, serializeTree } from '../core/loom/treeFormat';

/** What a tree command prints and how it exits; the caller writes it out. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  status: number;
}

export const TREE_USAGE = `       prefill-loom import FILE [--format ${FOREIGN_FORMATS.join('|')}] [--note PATH]
       prefill-loom export --format tk-loom TREEFILE

import: reads a tree saved by another loom (the format is detected from the file's shape unless
--format names it; --note picks a note of a Loomsidian data.json) and prints it as a Prefill Loom tree
file on standard output, with a summary on standard error. Exit status 1 for a damaged file, 2 for
an unknown shape or bad options.

export: prints a Prefill Loom tree file in the original Loom's JSON format.`;

const fail = (status: number, message: string): CommandOutput => ({ stdout: '', stderr: `prefill-loom: ${message}\n`, status });

export async function runImportCommand(args: readonly string[]): Promise<CommandOutput> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { format: { type: 'string' }, note: { type: 'string' } } });
  } catch (e) {
    return fail(2, (e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return fail(2, 'import takes one FILE');
  const format = values.format;
  if (format !== undefined && !FOREIGN_FORMATS.includes(format as ForeignFormat)) return fail(2, `--format must be one of ${FOREIGN_FORMATS.join(', ')}`);
  let text: string;
  try {
    text = await readFile(positionals[0], 'utf8');
  } catch (e) {
    return fail(2, `cannot read ${positionals[0]}: ${(e as Error).message}`);
  }
  try {
    const result = importForeignTree(parseForeignJson(text), { format: format as ForeignFormat | undefined, note: values.note });
    const document = basename(positionals[0]).replace(/\.json$/i, '.md');
    return { stdout: serializeTree(result.tree, { currentId: result.currentId, document }), stderr: `${result.summary}\n`, status: 0 };
  } catch (e) {
    if (e instanceof ImportError) return fail(e.kind === 'corrupt' ? 1 : 2, e.message);
    throw e;
  }
}

export async function runExportCommand(args: readonly string[]): Promise<CommandOutput> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { format: { type: 'string' } } });
  } catch (e) {
    return fail(2, (e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.format !== 'tk-loom') return fail(2, 'export needs --format tk-loom');
  if (positionals.length !== 1) return fail(2, 'export takes one TREEFILE');
  let text: string;
  try {
    text = await readFile(positionals[0], 'utf8');
  } catch (e) {
    return fail(2, `cannot read ${positionals[0]}: ${(e as Error).message}`);
  }
  const parsedTree = parseTreeFile(text, positionals[0]);
  if (!parsedTree.ok) return fail(1, parsedTree.error.message);
  const { tree, currentId } = parsedTree.value;
  return { stdout: writeTkLoom(tree, currentId), stderr: '', status: 0 };
}
