import type { NodeSummary } from '../../src/webviews/webviewProtocol';
import { previewString } from './displayText';
import { icon } from './icons';
import { barButton } from './textElements';

/** The bar above a hoisted tree: which subtree is shown, and a way back to the whole tree. */
export class HoistBar {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;

  constructor(unhoist: () => void) {
    this.element = document.createElement('div');
    this.element.className = 'hoist-bar';
    const label = document.createElement('span');
    label.className = 'hoist-label';
    label.textContent = 'Hoisted:';
    this.text = document.createElement('span');
    this.text.className = 'hoist-text';
    this.element.append(label, this.text, barButton('Show the whole tree (z)', unhoist, icon('hoist'), 'Whole tree'));
    this.show(undefined);
  }

  /** Shows the hoisted node (as text only), or hides the bar. */
  show(node: NodeSummary | undefined): void {
    this.element.hidden = !node;
    this.text.textContent = node ? previewString(node.preview, node.textLength > node.preview.length) : '';
  }
}
