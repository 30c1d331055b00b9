/** What a key does in the tree; the keys with Ctrl, Alt or Meta are left to VS Code. */
export type TreeCommand =
  | 'down'
  | 'up'
  | 'collapseOrParent'
  | 'expandOrFirstChild'
  | 'first'
  | 'last'
  | 'pageDown'
  | 'pageUp'
  | 'open'
  | 'select'
  | 'bookmark'
  | 'delete'
  | 'copy'
  | 'regenerate'
  | 'compare'
  | 'generateAlternatives'
  | 'hoist'
  | 'details'
  | 'find'
  | 'nextMatch'
  | 'previousMatch'
  | 'tags'
  | 'filter'
  | 'dismiss'
  | 'shading';

/** The tree's keys, by `KeyboardEvent.key`. */
export const KEYMAP: Readonly<Record<string, TreeCommand>> = {
  ArrowDown: 'down',
  j: 'down',
  ArrowUp: 'up',
  k: 'up',
  ArrowLeft: 'collapseOrParent',
  h: 'collapseOrParent',
  ArrowRight: 'expandOrFirstChild',
  l: 'expandOrFirstChild',
  Home: 'first',
  End: 'last',
  PageDown: 'pageDown',
  PageUp: 'pageUp',
  Enter: 'open',
  ' ': 'select',
  b: 'bookmark',
  Delete: 'delete',
  Backspace: 'delete',
  c: 'copy',
  r: 'regenerate',
  d: 'compare',
  a: 'generateAlternatives',
  z: 'hoist',
  i: 'details',
  '/': 'find',
  n: 'nextMatch',
  N: 'previousMatch',
  t: 'tags',
  '#': 'filter',
  Escape: 'dismiss',
  p: 'shading',
};

/** The command of a key event, if it has one here. */
export function commandOf(e: KeyboardEvent): TreeCommand | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) {
    return undefined;
  }
  return Object.prototype.hasOwnProperty.call(KEYMAP, e.key) ? KEYMAP[e.key] : undefined;
}
