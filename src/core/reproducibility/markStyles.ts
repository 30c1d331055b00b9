import type { MARK_KIND_LABELS } from './markNavigation';

export type MarkKindName = keyof typeof MARK_KIND_LABELS;

/**
 * How each kind of mark is drawn in the editor. `shape` is the cue that holds without colour (each
 * kind has its own, so a mark is never told by colour alone); `colors` are the extension's own
 * contributed theme colours (package.json), so every theme, high contrast included, has a default
 * and a user can change them in `workbench.colorCustomizations`.
 */
export interface MarkStyle {
  readonly shape: string;
  readonly colors: { readonly background?: string; readonly outline?: string; readonly line: string };
}

export const MARK_STYLES: Record<MarkKindName, MarkStyle> = {
  // A background (drawn in light and dark) and a dashed outline (drawn in high contrast, where
  // backgrounds are not): the regeneration differs here.
  divergent: { shape: 'background and dashed outline', colors: { background: 'prefillLoom.divergentBackground', outline: 'prefillLoom.divergentOutline', line: 'prefillLoom.divergentRuler' } },
  // A bar at the insertion point (the left border of the next character: injected text would show a
  // character that is not in the document).
  inserted: { shape: 'bar before', colors: { line: 'prefillLoom.insertedBar' } },
  consistent: { shape: 'dotted underline', colors: { line: 'prefillLoom.probeConsistent' } },
  probeDivergent: { shape: 'solid underline', colors: { line: 'prefillLoom.probeDivergent' } },
  mixed: { shape: 'dashed underline', colors: { line: 'prefillLoom.probeMixed' } },
  failed: { shape: 'double underline', colors: { line: 'prefillLoom.probeFailed' } },
};
