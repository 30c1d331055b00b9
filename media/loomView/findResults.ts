import type { FoundMatch, FoundView } from '../../src/webviews/webviewProtocol';
import { thousands } from './rowText';

/**
 * What a find in the view found, and which match is the active one. Matches are by node id, in tree
 * order; a row is marked when any of its node's matches is in the list.
 */
export class FindResults {
  query = '';
  private result: FoundView = { matches: [], total: 0 };
  private ids = new Set<string>();
  /** Index of the active match, -1 for none. */
  active = -1;

  get matches(): readonly FoundMatch[] {
    return this.result.matches;
  }

  get activeMatch(): FoundMatch | undefined {
    return this.result.matches[this.active];
  }

  set(query: string, result: FoundView): void {
    this.query = query;
    this.result = result;
    this.ids = new Set(result.matches.map((m) => m.id));
    this.active = result.matches.length > 0 ? 0 : -1;
  }

  clear(): void {
    this.set('', { matches: [], total: 0 });
  }

  isMatch(id: string | undefined): boolean {
    return id !== undefined && this.ids.has(id);
  }

  /** Makes the next (1) or previous (-1) match active, wrapping round; returns it. */
  step(delta: 1 | -1): FoundMatch | undefined {
    const count = this.result.matches.length;
    if (count === 0) return undefined;
    this.active = (this.active + delta + count) % count;
    return this.activeMatch;
  }

  /** "2 of 17", "No matches", or the query's error. */
  describe(): string {
    const { total, matches, error } = this.result;
    if (error !== undefined) return `Not a valid pattern: ${error}`;
    if (total === 0) return this.query === '' ? '' : 'No matches';
    const shown = matches.length < total ? ` (first ${thousands(matches.length)} listed)` : '';
    return `${thousands(this.active + 1)} of ${thousands(total)}${shown}`;
  }
}
