import * as assert from 'node:assert/strict';

/**
 * Polls until `check` holds, failing with `what` after `timeoutMs`. For what a test cannot await
 * directly: text streaming into an editor, a tree following an edit, a file being written.
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
