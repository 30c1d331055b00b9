/** The panel's tables and bars: shares as a bar with the number beside it, labels as text nodes. */
import type { AlignedGroupView, DistributionRunView } from '../../src/webviews/webviewProtocol';
import { element, quoted } from '../loomView/textElements';

/** Label, bar and share per row; with the model's own probabilities beside the empirical shares where given. */
export function shareTable(rows: ReadonlyArray<readonly [string, number, number | undefined]>, model?: readonly { text: string; probability: number }[], isText = true): HTMLTableElement {
  const table = document.createElement('table');
  const head = document.createElement('tr');
  for (const title of [isText ? 'Text' : 'Script', 'Share', ...(model ? ['Model probability'] : [])]) head.append(element('th', title));
  table.createTHead().append(head);
  const body = table.createTBody();
  const labels = [...rows.map((r) => r[0]), ...(model ?? []).map((m) => m.text).filter((t) => !rows.some((r) => r[0] === t))];
  for (const label of labels) {
    const row = body.insertRow();
    const share = rows.find((r) => r[0] === label);
    row.insertCell().append(isText ? quoted(label) : document.createTextNode(label));
    const cell = row.insertCell();
    cell.append(bar(share?.[1] ?? 0), document.createTextNode(` ${percent(share?.[1] ?? 0)}${share?.[2] !== undefined ? ` (${share[2]})` : ''}`));
    if (model) {
      const p = model.find((m) => m.text === label)?.probability;
      row.insertCell().append(bar(p ?? 0), document.createTextNode(p === undefined ? ' —' : ` ${percent(p)}`));
    }
  }
  return table;
}

export function alignedTable(rows: readonly AlignedGroupView[], runs: readonly DistributionRunView[]): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'aligned';
  const head = document.createElement('tr');
  for (const title of ['Text', runs[0].label, runs[1]?.label ?? '', 'Difference']) head.append(element('th', title));
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    row.insertCell().append(quoted(r.text));
    row.insertCell().append(bar(r.shareA), document.createTextNode(` ${percent(r.shareA)}`));
    row.insertCell().append(bar(r.shareB), document.createTextNode(` ${percent(r.shareB)}`));
    row.insertCell().append(element('span', `${r.difference >= 0 ? '+' : '−'}${percent(Math.abs(r.difference))}`, r.difference >= 0 ? 'up' : 'down'));
  }
  return table;
}

export function bar(share: number): HTMLElement {
  const outer = element('span', '', 'bar');
  outer.append(element('span', '', 'fill'));
  setBar(outer, share);
  return outer;
}

/** Sets the fill of a bar made by {@link bar}. */
export function setBar(outer: HTMLElement, share: number): void {
  (outer.firstElementChild as HTMLElement).style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
