/**
 * Entry of the distribution panel (bundled into dist/distribution.js): one run of samples at a
 * point, or two side by side. Every value is model or user text, put in as text nodes, never HTML.
 */
import type { AlignedGroupView, DistributionGroupView, DistributionPanelView, DistributionRunView, FromDistribution, ToDistribution } from '../../src/webviews/webviewProtocol';
import { element, quoted } from '../loomView/textElements';
import { HostChannel } from '../loomView/vscodeApi';

const host = new HostChannel<FromDistribution>();
type Mode = 'exact' | 'loose';
let mode: Mode = 'exact';
let current: DistributionPanelView | undefined;
/** Per run: the samples ticked for saving, and those saved already. Kept across re-renders (a mode switch). */
const selected = new Map<number, Set<number>>();
const saved = new Map<number, Set<number>>();
/** Groups the person opened, by run, mode and text: kept open as samples arrive and the page is redrawn. */
const opened = new Set<string>();
/** Per run: its "Save selected" button, relabelled as boxes are ticked without redrawing the page (focus stays). */
const saveButtons = new Map<number, HTMLButtonElement>();
// One live region for the whole life of the page, so what saving did is read out.
const status = element('p', '', 'status');
status.setAttribute('role', 'status');

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as ToDistribution | null;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'distribution') {
    current = message.view;
    render();
  } else if (message.type === 'saved') {
    const done = setOf(saved, message.run);
    message.samples.forEach((i) => done.add(i));
    setOf(selected, message.run).clear();
    status.textContent = message.message;
    render();
  }
});

function setOf(map: Map<number, Set<number>>, run: number): Set<number> {
  let set = map.get(run);
  if (!set) map.set(run, (set = new Set()));
  return set;
}

function render(): void {
  if (!current) return;
  const switcher = element('button', mode === 'exact' ? 'Group loosely (ignore leading whitespace and case)' : 'Group exactly');
  switcher.className = 'mode';
  switcher.addEventListener('click', () => {
    mode = mode === 'exact' ? 'loose' : 'exact';
    render();
  });
  saveButtons.clear();
  const columns = element('div', '', 'runs');
  current.runs.forEach((run, i) => columns.append(runSection(run, i)));
  const parts: HTMLElement[] = [element('h1', current.title)];
  if (current.progress) parts.push(element('p', `Sampling: ${current.progress} so far. Saving and exports come when the run ends.`, 'progress'));
  parts.push(status, switcher);
  if (current.aligned) parts.push(alignedTable(current.aligned[mode], current.runs));
  parts.push(columns);
  document.body.replaceChildren(...parts);
}

function runSection(run: DistributionRunView, index: number): HTMLElement {
  const section = element('section', '', 'run');
  section.dataset.run = String(index);
  const facts = document.createElement('dl');
  for (const [label, value] of run.facts) facts.append(element('dt', label), element('dd', value));
  const exports = element('div', '', 'exports');
  for (const [format, label] of [['json', 'Export JSON'], ['csv', 'Export CSV'], ['markdown', 'Export Markdown']] as const) {
    const button = element('button', label);
    button.addEventListener('click', () => host.post({ type: 'export', run: index, format }));
    exports.append(button);
  }
  section.append(element('h2', run.label));
  if (run.partial) {
    const completed = run.samples.filter((s) => s.status === 'completed').length;
    section.append(element('p', `Cancelled: a partial run. The shares are over the ${completed} samples that completed; the others are listed below the groups.`, 'partial'));
  }
  section.append(facts);
  if (!current?.progress) section.append(exports);
  if (run.savable) section.append(saveBar(run, index));
  section.append(element('h3', 'Continuations'), groupList(run[mode], run, index));
  section.append(element('h3', run.firstUnit === 'token' ? 'First token' : 'First word'), shareTable(run.firstUnits.map((g) => [g.text, g.share, g.count]), run.nextToken));
  section.append(element('h3', 'Writing systems'), shareTable(run.scripts.map((s) => [s.script, s.share, undefined]), undefined, false));
  return section;
}

/** Saving into the loom: the ticked samples, or all of them. */
function saveBar(run: DistributionRunView, index: number): HTMLElement {
  const bar = element('div', '', 'save');
  const chosen = element('button', '');
  chosen.addEventListener('click', () => save(index, [...setOf(selected, index)]));
  saveButtons.set(index, chosen);
  relabel(index);
  const all = element('button', `Save all ${run.samples.length} to the loom`);
  all.addEventListener('click', () => save(index, run.samples.map((s) => s.index)));
  bar.append(chosen, all);
  return bar;
}

function relabel(run: number): void {
  const button = saveButtons.get(run);
  if (!button) return;
  const n = setOf(selected, run).size;
  button.textContent = `Save selected to the loom (${n})`;
  button.disabled = n === 0;
}

function save(run: number, samples: number[]): void {
  if (samples.length === 0) return;
  status.textContent = `Saving ${samples.length} sample${samples.length === 1 ? '' : 's'} into the loom…`;
  host.post({ type: 'save', run, samples });
}

/** Groups with a bar each; a group opens to its samples, each with a box to tick for saving. */
function groupList(groups: readonly DistributionGroupView[], run: DistributionRunView, runIndex: number): HTMLElement {
  const list = element('div', '', 'groups');
  const byIndex = new Map(run.samples.map((s) => [s.index, s]));
  for (const group of groups) {
    const details = document.createElement('details');
    details.className = 'group';
    const summary = document.createElement('summary');
    summary.append(bar(group.share), element('span', `${group.count} (${percent(group.share)})`, 'count'), quoted(group.text));
    details.append(summary);
    const key = `${runIndex}\n${mode}\n${group.text}`;
    details.addEventListener('toggle', () => {
      if (details.open) opened.add(key);
      else opened.delete(key);
      if (!details.open || details.childElementCount > 1) return;
      const samples = element('ol', '', 'samples');
      for (const index of group.members) samples.append(sampleItem(byIndex.get(index)?.text ?? '', run.savable, runIndex, index));
      details.append(samples);
      if (run.savable) {
        const saveGroup = element('button', `Save this group to the loom (${group.members.length})`);
        saveGroup.addEventListener('click', () => save(runIndex, [...group.members]));
        details.append(saveGroup);
      }
    });
    list.append(details);
    details.open = opened.has(key);
  }
  const failed = run.samples.filter((s) => s.status !== 'completed');
  if (failed.length > 0) {
    const notes = element('ul', '', 'failed');
    for (const s of failed) notes.append(element('li', `Sample ${s.index + 1}: ${s.status}${s.error ? ` — ${s.error}` : ''}`));
    list.append(notes);
  }
  return list;
}

function sampleItem(text: string, savable: boolean, runIndex: number, index: number): HTMLLIElement {
  const item = element('li', '');
  item.value = index + 1;
  if (savable) {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = setOf(selected, runIndex).has(index);
    box.addEventListener('change', () => {
      const chosen = setOf(selected, runIndex);
      if (box.checked) chosen.add(index);
      else chosen.delete(index);
      relabel(runIndex);
    });
    const label = element('label', '');
    label.append(box, document.createTextNode(` Sample ${index + 1} `));
    item.append(label);
  }
  item.append(quoted(text));
  if (saved.get(runIndex)?.has(index)) item.append(element('span', ' (in the loom)', 'saved'));
  return item;
}

/** Label, bar and share per row; with the model's own probabilities beside the empirical shares where given. */
function shareTable(rows: ReadonlyArray<readonly [string, number, number | undefined]>, model?: readonly { text: string; probability: number }[], isText = true): HTMLTableElement {
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

function alignedTable(rows: readonly AlignedGroupView[], runs: readonly DistributionRunView[]): HTMLTableElement {
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

function bar(share: number): HTMLElement {
  const outer = element('span', '', 'bar');
  const inner = element('span', '', 'fill');
  inner.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
  outer.append(inner);
  return outer;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

host.post({ type: 'ready' });
