/**
 * Text for a quick pick's label, description or detail, shown as written: VS Code draws `$(name)`
 * there as an icon, so model text like `$(alert)` would lose its characters. The escape VS Code's
 * own `escapeIcons` uses (a backslash before the `$`) keeps it literal.
 */
export function inertLabel(text: string): string {
  return text.replace(/(?<!\\)\$\([a-z0-9-]+?(?:~[a-z0-9-]*?)?\)/gi, (icon) => `\\${icon}`);
}
