import { thousands } from './rowText';
import { barButton } from './textElements';

/** The bar above a filtered tree: which tag is shown, how many nodes carry it, and a way back. */
export class FilterBar {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;

  constructor(clear: () => void) {
    this.element = document.createElement('div');
    this.element.className = 'filter-bar';
    this.text = document.createElement('span');
    this.text.className = 'filter-text';
    this.element.append(this.text, barButton('Show every node again (Escape)', clear, 'Show all'));
    this.show(undefined, 0);
  }

  show(tag: string | undefined, matched: number): void {
    this.element.hidden = tag === undefined;
    this.text.textContent = tag === undefined ? '' : `Only #${tag} (${thousands(matched)} node${matched === 1 ? '' : 's'}) and their ancestors`;
  }
}
