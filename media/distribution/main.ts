/**
 * Entry of the distribution panel (bundled into dist/distribution.js): one run of samples at a
 * point, or two side by side. Every value is model or user text, put in as text nodes, never HTML.
 * The page is updated in place, not redrawn (see keyedList.ts): a person works in it while it fills.
 */
import type { DistributionPanelView, DistributionRunView, FromDistribution, ToDistribution } from '../../src/webviews/webviewProtocol';
import { element } from '../loomView/textElements';
import { HostChannel } from '../loomView/vscodeApi';
import { groupList, type SampleChoices } from './groupList';
import { KeyedList, placeChildren, type Part } from './keyedList';
import { alignedTable, shareTable } from './shareTables';

const host = new HostChannel<FromDistribution>();
type Mode = 'exact' | 'loose';
let mode: Mode = 'exact';
let current: DistributionPanelView | undefined;
/** Per run: the samples ticked for saving, and those saved already. */
const selected = new Map<number, Set<number>>();
const saved = new Map<number, Set<number>>();
/** Per run: each sample's text, as first sent (later views leave it out). */
const texts = new Map<number, Map<number, string>>();
/** Per run: its "Save selected" button, relabelled as boxes are ticked. */
const saveButtons = new Map<number, HTMLButtonElement>();

const choices: SampleChoices = {
  selected: (run) => setOf(selected, run),
  isSaved: (run, sample) => saved.get(run)?.has(sample) ?? false,
  changed: relabel,
  save,
};

const title = element('h1', '');
const progress = element('p', '', 'progress');
// One live region for the whole life of the page, so what saving did is read out.
const status = element('p', '', 'status');
status.setAttribute('role', 'status');
const switcher = element('button', '', 'mode');
switcher.addEventListener('click', () => {
  mode = mode === 'exact' ? 'loose' : 'exact';
  render();
});
const runs = new KeyedList<DistributionRunView>(element('div', '', 'runs'), (_, i) => String(i), (_, i) => runSection(i));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as ToDistribution | null;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'distribution') {
    current = message.view;
    current.runs.forEach((run, i) => keepTexts(i, run));
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
  return entry(map, run, () => new Set());
}

function entry<V>(map: Map<number, V>, run: number, make: () => V): V {
  let value = map.get(run);
  if (value === undefined) map.set(run, (value = make()));
  return value;
}

function keepTexts(run: number, view: DistributionRunView): void {
  const known = entry(texts, run, () => new Map<number, string>());
  for (const { index, text } of view.samples) if (text !== undefined) known.set(index, text);
}

function render(): void {
  if (!current) return;
  const focused = document.activeElement;
  title.textContent = current.title;
  progress.textContent = `Sampling: ${current.progress} so far. Saving and exports come when the run ends.`;
  switcher.textContent = mode === 'exact' ? 'Group loosely (ignore leading whitespace and case)' : 'Group exactly';
  runs.update(current.runs);
  const aligned = current.aligned ? [alignedTable(current.aligned[mode], current.runs)] : [];
  placeChildren(document.body, [title, ...(current.progress ? [progress] : []), status, switcher, ...aligned, runs.element]);
  // A focused group that rose in rank was moved, which takes the focus from it: it is given back.
  if (focused instanceof HTMLElement && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
}

function runSection(index: number): Part<DistributionRunView> {
  const section = element('section', '', 'run');
  section.dataset.run = String(index);
  const heading = element('h2', '');
  const partial = element('p', '', 'partial');
  const facts = document.createElement('dl');
  const exports = exportButtons(index);
  const saving = saveBar(index);
  const lists = { exact: groupList(index, choices), loose: groupList(index, choices) };
  const failed = element('ul', '', 'failed');
  const continuations = element('h3', 'Continuations');
  const firstUnits = element('h3', '');
  const scripts = element('h3', 'Writing systems');
  return {
    element: section,
    update(run) {
      heading.textContent = run.label;
      const completed = run.samples.filter((s) => s.status === 'completed');
      partial.textContent = `Cancelled: a partial run. The shares are over the ${completed.length} samples that completed; the others are listed below the groups.`;
      facts.replaceChildren(...run.facts.flatMap(([label, value]) => [element('dt', label), element('dd', value)]));
      saving.update(run);
      const groups = lists[mode];
      const known = entry(texts, index, () => new Map<number, string>());
      groups.update(run[mode].map((group) => ({ group, texts: known, savable: run.savable })));
      const notes = run.samples.filter((s) => s.status !== 'completed').map((s) => element('li', `Sample ${s.index + 1}: ${s.status}${s.error ? ` — ${s.error}` : ''}`));
      failed.replaceChildren(...notes);
      firstUnits.textContent = run.firstUnit === 'token' ? 'First token' : 'First word';
      placeChildren(section, [
        heading,
        ...(run.partial ? [partial] : []),
        facts,
        ...(current?.progress ? [] : [exports]),
        ...(run.savable ? [saving.element] : []),
        continuations,
        groups.element,
        ...(notes.length > 0 ? [failed] : []),
        firstUnits,
        shareTable(run.firstUnits.map((g) => [g.text, g.share, g.count]), run.nextToken),
        scripts,
        shareTable(run.scripts.map((s) => [s.script, s.share, undefined]), undefined, false),
      ]);
    },
  };
}

function exportButtons(run: number): HTMLElement {
  const exports = element('div', '', 'exports');
  for (const [format, label] of [['json', 'Export JSON'], ['csv', 'Export CSV'], ['markdown', 'Export Markdown']] as const) {
    const button = element('button', label);
    button.addEventListener('click', () => host.post({ type: 'export', run, format }));
    exports.append(button);
  }
  return exports;
}

/** Saving into the loom: the ticked samples, or all of them. */
function saveBar(run: number): Part<DistributionRunView> {
  const bar = element('div', '', 'save');
  const chosen = element('button', '');
  chosen.addEventListener('click', () => save(run, [...setOf(selected, run)]));
  saveButtons.set(run, chosen);
  const all = element('button', '');
  let everyone: number[] = [];
  all.addEventListener('click', () => save(run, everyone));
  bar.append(chosen, all);
  return {
    element: bar,
    update({ samples }) {
      everyone = samples.map((s) => s.index);
      all.textContent = `Save all ${samples.length} to the loom`;
      relabel(run);
    },
  };
}

function relabel(run: number): void {
  const button = saveButtons.get(run);
  if (!button) return;
  const n = setOf(selected, run).size;
  button.textContent = `Save selected to the loom (${n})`;
  button.disabled = n === 0;
}

function save(run: number, samples: readonly number[]): void {
  if (samples.length === 0) return;
  status.textContent = `Saving ${samples.length} sample${samples.length === 1 ? '' : 's'} into the loom…`;
  host.post({ type: 'save', run, samples: [...samples] });
}

host.post({ type: 'ready' });
