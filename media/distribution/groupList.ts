/**
 * A run's groups, each with a bar, opening to its samples with a box each to tick for saving. Kept
 * in place as samples arrive: a group keeps its element (its focus, whether it is open) while its
 * count, bar, rank and samples change.
 */
import type { DistributionGroupView } from '../../src/webviews/webviewProtocol';
import { element, quoted } from '../loomView/textElements';
import { KeyedList, placeChildren, type Part } from './keyedList';
import { bar, percent, setBar } from './shareTables';

/** What the person chose to save, kept by the page across updates. */
export interface SampleChoices {
  selected(run: number): Set<number>;
  isSaved(run: number, sample: number): boolean;
  /** A box was ticked or cleared. */
  changed(run: number): void;
  save(run: number, samples: readonly number[]): void;
}

/** A group as listed, with what its samples need. */
export interface GroupItem {
  readonly group: DistributionGroupView;
  /** Every sample's text in the run, by index. */
  readonly texts: ReadonlyMap<number, string>;
  readonly savable: boolean;
}

interface SampleItem {
  readonly index: number;
  readonly text: string;
  readonly savable: boolean;
}

/** The groups of run `run` in one grouping mode. */
export function groupList(run: number, choices: SampleChoices): KeyedList<GroupItem> {
  return new KeyedList<GroupItem>(element('div', '', 'groups'), (item) => item.group.text, (item) => groupPart(item.group.text, run, choices));
}

function groupPart(text: string, run: number, choices: SampleChoices): Part<GroupItem> {
  const details = document.createElement('details');
  details.className = 'group';
  const share = bar(0);
  const count = element('span', '', 'count');
  const summary = document.createElement('summary');
  summary.append(share, count, quoted(text));
  details.append(summary);
  const samples = new KeyedList<SampleItem>(element('ol', '', 'samples'), (s) => String(s.index), (s) => samplePart(s, run, choices));
  const saveGroup = element('button', '');
  let latest: GroupItem | undefined;
  saveGroup.addEventListener('click', () => choices.save(run, latest?.group.members ?? []));
  // Samples are drawn when the group is open only: a closed group catches up as it opens.
  const showSamples = () => {
    if (!latest || !details.open) return;
    const { group, texts, savable } = latest;
    samples.update(group.members.map((index) => ({ index, text: texts.get(index) ?? '', savable })));
    saveGroup.textContent = `Save this group to the loom (${group.members.length})`;
    placeChildren(details, [summary, samples.element, ...(savable ? [saveGroup] : [])]);
  };
  details.addEventListener('toggle', showSamples);
  return {
    element: details,
    update(item) {
      latest = item;
      setBar(share, item.group.share);
      count.textContent = `${item.group.count} (${percent(item.group.share)})`;
      showSamples();
    },
  };
}

function samplePart({ index, text }: SampleItem, run: number, choices: SampleChoices): Part<SampleItem> {
  const item = element('li', '');
  item.value = index + 1;
  const shown = quoted(text);
  const mark = element('span', ' (in the loom)', 'saved');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.addEventListener('change', () => {
    const chosen = choices.selected(run);
    if (box.checked) chosen.add(index);
    else chosen.delete(index);
    choices.changed(run);
  });
  const label = element('label', '');
  label.append(box, document.createTextNode(` Sample ${index + 1} `));
  return {
    element: item,
    update({ savable }) {
      box.checked = choices.selected(run).has(index);
      placeChildren(item, [...(savable ? [label] : []), shown, ...(choices.isSaved(run, index) ? [mark] : [])]);
    },
  };
}
