import type { NodeSummary } from '../../src/webviews/webviewProtocol';
import { previewString } from './displayText';
import { icon } from './icons';

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
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'bar-button';
    button.title = 'Show the whole tree (z)';
    button.append(icon('hoist'), document.createTextNode('Whole tree'));
    button.addEventListener('click', unhoist);
    this.element.append(label, this.text, button);
    this.show(undefined);
  }

  /** Shows the hoisted node (as text only), or hides the bar. */
  show(node: NodeSummary | undefined): void {
    this.element.hidden = !node;
    this.text.textContent = node ? previewString(node.preview, node.textLength > node.preview.length) : '';
  }
}
