import type { LoomNode } from './loomNode';
import type { LoomTree, TreeOptions } from './loomTree';
import { parseTreeFile, serializeTree, type Parsed, type TreeSnapshot } from './treeFormat';

/** The whole tree as JSON, in the tree file format (what importTreeJson and the tree file read). */
export function exportTreeJson(tree: LoomTree, currentId: string, document: string): string {
  return serializeTree(tree, { currentId, document, journalSeq: 0 });
}

/** Reads an exported tree (or a tree file of any supported version); `name` names it in messages. */
export function importTreeJson(text: string, name: string, options?: TreeOptions): Parsed<TreeSnapshot> {
  return parseTreeFile(text, name, options);
}

/** The path's text, exactly as the editor shows it. */
export function exportPathText(tree: LoomTree, id: string): string {
  return tree.textOf(id);
}

/**
 * The path as Markdown: a title, a table of the path's nodes (who wrote each, and for model text the
 * model, temperature, stop reason and output tokens, with the first words so a reader can find it),
 * a rule, then the text itself, unchanged.
 */
export function exportPathMarkdown(tree: LoomTree, id: string, title: string): string {
  const rows = tree.pathTo(id).map((node, i) => {
    const g = node.generation;
    const temperature = g?.params.temperature;
    return [
      String(i + 1),
      node.author,
      g?.model ?? '',
      typeof temperature === 'number' ? String(temperature) : '',
      g ? (g.stopReason ?? g.status) : '',
      g ? String(g.usage.output_tokens) : '',
      preview(node),
    ].map(cell);
  });
  return [
    `# ${title}`,
    '',
    '| # | Author | Model | Temperature | Stop reason | Output tokens | Starts with |',
    '| --: | --- | --- | --: | --- | --: | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '---',
    '',
    tree.textOf(id),
  ].join('\n');
}

function preview(node: LoomNode): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  if (text === '') return '(empty)';
  const chars = [...text];
  return chars.length > 40 ? `${chars.slice(0, 40).join('').trimEnd()}…` : text;
}

/** Text safe inside a Markdown table cell; `&` too, or text such as `&lt;` would show as `<`. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/[\r\n]+/g, ' ');
}
