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
  /** Token shading turned off with `p`: a way of reading, so it holds for every tree (a panel opened anew has no state, so it starts shaded). */
  readonly shadingOff?: boolean;
}

/** Trees remembered at once: switching between a few documents keeps each one's folds. */
const MAX_TREES = 10;

/**
 * The view's UI state (folds, hoist, focus, scroll; whether tokens are shaded) in VS Code's webview state, which survives the
 * view being hidden (the page is destroyed: `retainContextWhenHidden` is off) and window reloads.
 */
export class ViewStateStore {
  constructor(private readonly api: Pick<VsCodeApi, 'getState' | 'setState'>) {}

  load(treeKey: string): TreeUiState | undefined {
    return this.read().trees.find(([key]) => key === treeKey)?.[1];
  }

  save(treeKey: string, state: TreeUiState): void {
    const stored = this.read();
    const trees = stored.trees.filter(([key]) => key !== treeKey);
    trees.push([treeKey, state]);
    this.api.setState({ ...stored, trees: trees.slice(-MAX_TREES) });
  }

  get shadingOff(): boolean {
    return this.read().shadingOff === true;
  }

  set shadingOff(off: boolean) {
    this.api.setState({ ...this.read(), shadingOff: off });
  }

  /** What is stored; anything unreadable (an older client's state) counts as nothing stored. */
  private read(): Persisted {
    const raw = this.api.getState() as Partial<Persisted> | undefined;
    if (!raw || raw.version !== 1 || !Array.isArray(raw.trees)) {
      return { version: 1, trees: [] };
    }
    const trees = raw.trees.filter((entry): entry is readonly [string, TreeUiState] => Array.isArray(entry) && typeof entry[0] === 'string' && isUiState(entry[1]));
    return { version: 1, trees, shadingOff: raw.shadingOff === true };
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
