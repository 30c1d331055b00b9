import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/*
 * Every key the extension contributes is compared with VS Code's default keybindings of each platform
 * (test/unit/fixtures/vscodeKeybindings, with their provenance) and, on macOS, with what Option+key
 * types. The rule, conservative by design:
 * - A default binding with the same key (or a chord sharing its first part) on that platform
 *   overlaps ours unless each of its `||` alternatives contains a condition ours excludes: a context
 *   ours negates (`x` against our `!x`, `!x` against our `x`, `!editorFocus` against our
 *   `editorTextFocus`), or a focus that cannot hold while an editor's text has it
 *   (FOCUS_ELSEWHERE), or, for ours in the quick input, one that cannot hold while the quick input
 *   has focus (FOCUS_OUTSIDE_QUICK_INPUT). Anything the rule cannot read (parentheses, comparisons) counts as overlap.
 * - A default binding without `when` overlaps everything.
 * - Our keys that move in the loom require `prefillLoom.hasLoom`: they never act in a document
 *   without a loom, whatever key the user gives them.
 * - On macOS, Option (with or without Shift) and no Cmd or Ctrl on a key that types a character on
 *   the US, British or German layout takes that character from the writer.
 */

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test/unit/fixtures/vscodeKeybindings');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

interface Binding { command: string; key: string; mac?: string; linux?: string; win?: string; when?: string }
type Platform = 'windows' | 'macos' | 'linux';

const contributed: Binding[] = manifest.contributes.keybindings;
const PLATFORMS: Platform[] = ['windows', 'macos', 'linux'];
const LOOM_COMMANDS = ['prefillLoom.nextSibling', 'prefillLoom.previousSibling', 'prefillLoom.goToParent', 'prefillLoom.goToChild', 'prefillLoom.regenerateAndCompare', 'prefillLoom.nextTokenAlternative', 'prefillLoom.previousTokenAlternative'];

/**
 * Contexts true only while keyboard focus is outside any text editor: a quick pick, the terminal, a
 * list, and the keys VS Code sets in the search view's and the terminal chat's own scoped contexts.
 */
const FOCUS_ELSEWHERE = new Set([
  'inQuickInput', 'terminalFocus', 'listFocus', 'searchViewletFocus', 'notebookOutputFocused',
  'replaceActive', 'terminalChatResponseContainsCodeBlock', 'terminalChatResponseContainsMultipleCodeBlocks',
]);
/**
 * Contexts VS Code sets only while focus is in an editor's text, the terminal or the breadcrumbs: the
 * editor keys live in the editor's own scoped context, which a key pressed in the quick input never sees.
 */
const FOCUS_OUTSIDE_QUICK_INPUT = new Set(['editorTextFocus', 'editorFocus', 'textInputFocus', 'terminalFocus', 'breadcrumbsActive']);
/**
 * Default bindings a key of ours takes on purpose, where ours holds. Alt+→ in the next-token list:
 * ours holds only where quickInput.acceptInBackground holds (a quick pick, the filter's cursor at its
 * end), which does nothing in an extension's quick pick (the API cannot let it accept in the
 * background) and already outweighs Go Forward (Alt+→ on Windows) there.
 */
const TAKEN_FROM: Record<string, string[]> = { 'prefillLoom.acceptNextTokenAndContinue': ['quickInput.acceptInBackground', 'workbench.action.navigateForward'] };
/**
 * Escape while a generation streams into this editor stops it: the one deliberate overlap. Its `when`
 * still yields to the suggest, inline-suggestion and find widgets, which a writer closes with Escape
 * mid-stream; every other Escape use comes back the moment the generation ends.
 */
const DELIBERATE: Record<string, string> = { 'prefillLoom.stopGeneration': 'escape' };
/** What our conditions imply: text focus in an editor means editor focus and text-input focus. */
const IMPLIED: Record<string, string[]> = { editorTextFocus: ['editorFocus', 'textInputFocus'], '!notebookEditorFocused': ['!notebookCellListFocused'] };

function defaults(platform: Platform): Binding[] {
  const text = readFileSync(path.join(fixtures, `${platform}.keybindings.json`), 'utf8');
  // The files open with a `//` line naming the VS Code version; the rest is plain JSON.
  return JSON.parse(text.split('\n').filter((line) => !/^\s*\/\//.test(line)).join('\n'));
}

function keyOn(binding: Binding, platform: Platform): string {
  const key = platform === 'macos' ? binding.mac : platform === 'linux' ? binding.linux : binding.win;
  return normalize(key ?? binding.key);
}

/** One spelling per chord: modifiers in a fixed order, `cmd`/`win`/`meta` as `meta`. */
function normalize(key: string): string {
  const order = ['ctrl', 'shift', 'alt', 'meta'];
  return key.toLowerCase().trim().split(/\s+/).map((part) => {
    const pieces = part.split('+');
    const main = pieces.pop() ?? '';
    const mods = pieces.map((m) => (m === 'cmd' || m === 'win' ? 'meta' : m));
    return [...order.filter((m) => mods.includes(m)), main].join('+');
  }).join(' ');
}

function sameKey(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b} `) || b.startsWith(`${a} `) || a.split(' ')[0] === b.split(' ')[0] && (a.includes(' ') || b.includes(' '));
}

function conditionsOf(when: string): Set<string> {
  assert.doesNotMatch(when, /\|\||[()]/, `our when clauses are plain conjunctions: ${when}`);
  const conditions = new Set(when.split('&&').map((c) => c.trim()));
  for (const c of [...conditions]) for (const implied of IMPLIED[c] ?? []) conditions.add(implied);
  return conditions;
}

function excludes(ours: Set<string>, alternative: string): boolean {
  if (/[()]/.test(alternative)) return false;
  return alternative.split('&&').map((c) => c.trim()).some((c) =>
    FOCUS_ELSEWHERE.has(c) && ours.has('editorTextFocus') || FOCUS_OUTSIDE_QUICK_INPUT.has(c) && ours.has('inQuickInput') || (c.startsWith('!') ? ours.has(c.slice(1)) : ours.has(`!${c}`)));
}

function overlaps(ours: Binding, theirs: Binding): boolean {
  if (!theirs.when) return true;
  const conditions = conditionsOf(ours.when ?? '');
  return theirs.when.split('||').some((alternative) => !excludes(conditions, alternative));
}

function conflicts(platform: Platform, bindings: Binding[] = contributed): string[] {
  const theirs = defaults(platform);
  return bindings.filter((ours) => DELIBERATE[ours.command] !== keyOn(ours, platform)).flatMap((ours) => theirs
    .filter((d) => sameKey(keyOn(ours, platform), normalize(d.key)) && overlaps(ours, d) && !TAKEN_FROM[ours.command]?.includes(d.command))
    .map((d) => `${platform}: ${ours.command} on ${keyOn(ours, platform)} overlaps ${d.command} (${d.when ?? 'always'})`));
}

const optionLayouts: Record<string, Record<string, string>> = JSON.parse(readFileSync(path.join(fixtures, 'macOptionCharacters.json'), 'utf8')).layouts;

function typedOnMac(binding: Binding): string[] {
  const key = keyOn(binding, 'macos');
  const parts = key.split(' ')[0].split('+');
  const main = parts.pop() ?? '';
  if (!parts.includes('alt') || parts.some((m) => m === 'ctrl' || m === 'meta')) return [];
  return Object.entries(optionLayouts).filter(([, table]) => table[main]).map(([layout, table]) => `${binding.command}: Option+${main} types ${table[main]} on the ${layout} layout`);
}

describe('contributed keybindings', () => {
  it('take no key VS Code binds by default in an overlapping context, on Windows, macOS or Linux', () => {
    const found = PLATFORMS.flatMap((p) => conflicts(p));
    assert.equal(found.length, 0, `\n${found.join('\n')}`);
  });

  it('take no character that Option+key types on the macOS US, British or German layout', () => {
    const typed = contributed.flatMap(typedOnMac);
    assert.equal(typed.length, 0, `\n${typed.join('\n')}`);
  });

  it('move in the loom only in documents that have one', () => {
    for (const command of LOOM_COMMANDS) {
      const binding = contributed.find((b) => b.command === command);
      assert.ok(binding, `${command} has a key`);
      assert.ok(conditionsOf(binding.when ?? '').has('prefillLoom.hasLoom'), `${command} requires prefillLoom.hasLoom`);
    }
  });

  it('insert the next token and continue only in its list, with the filter box\'s cursor at its end', () => {
    const binding = contributed.find((b) => b.command === 'prefillLoom.acceptNextTokenAndContinue');
    assert.ok(binding, 'Insert Next Token and Continue has a key');
    const conditions = conditionsOf(binding.when ?? '');
    for (const condition of ['prefillLoom.nextTokenPickOpen', 'inQuickInput', 'cursorAtEndOfQuickInputBox']) assert.ok(conditions.has(condition), `requires ${condition}`);
  });

  it('finds the conflicts the old keys had (the rule is not vacuous)', () => {
    const old: Binding[] = [
      { command: 'goToParent', key: 'ctrl+alt+up', mac: 'cmd+alt+up', when: 'editorTextFocus && !prefillLoom.generating && !inlineSuggestionVisible' },
      { command: 'nextSibling', key: 'alt+]', mac: 'alt+]', when: 'editorTextFocus && !prefillLoom.generating && !inlineSuggestionVisible' },
    ];
    const taken = ['editor.action.insertCursorAbove (editorTextFocus)', 'editor.action.accessibleViewNext (accessibleViewIsShown && accessibleViewSupportsNavigation)'];
    assert.deepEqual(conflicts('windows', old).map((c) => c.split(' overlaps ')[1]), taken);
    assert.deepEqual(conflicts('macos', old).map((c) => c.split(' overlaps ')[1]), taken);
    // Without the quick input in its context, Alt+→ would take the editor's and the terminal's keys.
    const outside: Binding[] = [{ command: 'prefillLoom.acceptNextTokenAndContinue', key: 'alt+right', mac: 'alt+right', when: 'prefillLoom.nextTokenPickOpen' }];
    assert.deepEqual(conflicts('macos', outside).map((c) => c.split(' overlaps ')[1].split(' ')[0]), ['cursorWordEndRight', 'breadcrumbs.focusNext', 'breadcrumbs.focusNextWithPicker']);
    assert.deepEqual(conflicts('linux', outside).map((c) => c.split(' overlaps ')[1].split(' ')[0]), ['workbench.action.terminal.focusNextPane']);
    assert.deepEqual(old.flatMap(typedOnMac), [
      'nextSibling: Option+] types ‘ on the US layout',
      'nextSibling: Option+] types ‘ on the British layout',
      'nextSibling: Option+] types ± on the German layout',
    ]);
  });
});
