import type { VsCodeApi } from './vscodeApi';

/** What the view remembers of one tree while it is hidden or reloaded. */
export interface TreeUiState {
  readonly collapsed: readonly string[];
  readonly hoisted?: string;
  readonly focused?: string;
  readonly scrollTop: number;
}

interface Persisted {
  readonly version: 1;
  /** By tree (its root id), least recently used first. */
  readonly trees: readonly (readonly [string, TreeUiState])[];
}

/** Trees remembered at once: switching between a few documents keeps each one's folds. */
const MAX_TREES = 10;

/**
 * The view's UI state (folds, hoist, focus, scroll) in VS Code's webview state, which survives the
 * view being hidden (the page is destroyed: `retainContextWhenHidden` is off) and window reloads.
 */
export class ViewStateStore {
  constructor(private readonly api: Pick<VsCodeApi, 'getState' | 'setState'>) {}

  load(treeKey: string): TreeUiState | undefined {
    return this.read().find(([key]) => key === treeKey)?.[1];
  }

  save(treeKey: string, state: TreeUiState): void {
    const trees = this.read().filter(([key]) => key !== treeKey);
    trees.push([treeKey, state]);
    const persisted: Persisted = { version: 1, trees: trees.slice(-MAX_TREES) };
    this.api.setState(persisted);
  }

  /** The stored trees; anything unreadable (an older client's state) counts as nothing stored. */
  private read(): (readonly [string, TreeUiState])[] {
    const raw = this.api.getState() as Partial<Persisted> | undefined;
    if (!raw || raw.version !== 1 || !Array.isArray(raw.trees)) {
      return [];
    }
    return raw.trees.filter((entry): entry is readonly [string, TreeUiState] => Array.isArray(entry) && typeof entry[0] === 'string' && isUiState(entry[1]));
  }
}

function isUiState(value: unknown): value is TreeUiState {
  const state = value as Partial<TreeUiState> | undefined;
  return (
    typeof state === 'object' &&
    state !== null &&
    Array.isArray(state.collapsed) &&
    state.collapsed.every((id) => typeof id === 'string') &&
    typeof state.scrollTop === 'number' &&
    (state.hoisted === undefined || typeof state.hoisted === 'string') &&
    (state.focused === undefined || typeof state.focused === 'string')
  );
}
