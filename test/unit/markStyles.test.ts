import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MARK_STYLES } from '../../src/core/reproducibility/markStyles';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
type ColorDefaults = { dark: string | null; light: string | null; highContrast: string | null; highContrastLight: string | null };
const colors = new Map<string, { description: string; defaults: ColorDefaults }>(
  (manifest.contributes.colors ?? []).map((c: { id: string; description: string; defaults: ColorDefaults }) => [c.id, c]),
);

describe('Divergence and probe marks in the editor: readable in every theme, never by colour alone (issue 19)', () => {
  it('draw each kind with a shape of its own, so no two differ by colour only', () => {
    const shapes = Object.entries(MARK_STYLES).map(([kind, style]) => [kind, style.shape] as const);
    const seen = new Map<string, string>();
    for (const [kind, shape] of shapes) {
      assert.equal(seen.get(shape), undefined, `${kind} is drawn as ${shape}, as ${seen.get(shape)} is: only the colour tells them apart`);
      seen.set(shape, kind);
    }
  });

  it('use colours the extension contributes, each with a default in the light, dark and both high-contrast themes', () => {
    for (const [kind, style] of Object.entries(MARK_STYLES)) {
      for (const id of Object.values(style.colors)) {
        const color = colors.get(id);
        assert.ok(color, `${kind} uses ${id}, which package.json does not contribute`);
        assert.ok(color.description.length > 0, `${id} says what it colours`);
        for (const theme of ['dark', 'light', 'highContrast', 'highContrastLight'] as const) {
          assert.ok(color.defaults[theme], `${id} has a ${theme} default`);
        }
      }
    }
  });

  it('outline the marked text in the high-contrast themes, where backgrounds are not drawn', () => {
    const outline = colors.get(MARK_STYLES.divergent.colors.outline!);
    assert.equal(outline?.defaults.highContrast, 'contrastActiveBorder');
    assert.equal(outline?.defaults.highContrastLight, 'contrastActiveBorder');
  });
});
