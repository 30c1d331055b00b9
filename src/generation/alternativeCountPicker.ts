import * as vscode from 'vscode';

interface CountItem extends vscode.QuickPickItem {
  n: number;
}

/**
 * Asks how many alternatives to generate: a few usual counts (and the configured one), or any whole
 * number typed in, so that a large count is possible and goes through the confirmation that follows.
 */
export function pickAlternativeCount(configured: number): Promise<number | undefined> {
  const counts = [...new Set([configured, 2, 3, 4, 8])].sort((a, b) => a - b);
  const usual: CountItem[] = counts.map((n) => ({ label: String(n), description: n === configured ? 'your default (Settings › Prefill Loom › Alternatives)' : undefined, n }));
  const pick = vscode.window.createQuickPick<CountItem>();
  pick.title = 'Prefill Loom: how many alternatives?';
  pick.placeholder = 'The first streams into the editor; the others become branches in the loom. Type a number for another count';
  pick.items = usual;
  // Enter alone takes the configured count, not the smallest.
  pick.activeItems = usual.filter((item) => item.n === configured);
  pick.onDidChangeValue((value) => {
    const typed = typedCount(value);
    pick.items = typed === undefined || counts.includes(typed) ? usual : [{ label: String(typed), description: 'typed', alwaysShow: true, n: typed }, ...usual];
  });
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.n);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

function typedCount(value: string): number | undefined {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
