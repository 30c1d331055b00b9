/** DOM helpers the report panels share; model text goes in as text nodes only. */
import { textPieces } from './displayText';

/** Text with whitespace and invisible characters shown, since two texts often differ by one space. */
export function quoted(text: string): HTMLElement {
  const code = document.createElement('code');
  for (const piece of textPieces(text)) {
    if (piece.kind === 'text') {
      code.append(document.createTextNode(piece.text));
    } else {
      code.append(element('span', piece.text, piece.kind === 'space' ? 'ws' : 'ctl'));
    }
  }
  return code;
}

/** An element holding `text` as its text content. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A button of the bars above and below the tree (hoist, filter, comparison). */
export function barButton(title: string, onClick: () => void, ...content: (Node | string)[]): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'bar-button';
  button.title = title;
  button.append(...content);
  button.addEventListener('click', onClick);
  return button;
}
