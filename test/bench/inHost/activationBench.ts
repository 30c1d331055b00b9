/**
 * The extension's own share of startup, inside the extension host: how long its `activate` ran (it
 * records that itself) and how long loading its bundle takes, beside loading the official SDK alone.
 */
import * as path from 'node:path';
import type { PrefillLoomApi } from '../../../src/extension';

export interface ActivationResult {
  /** `activate`, start to return, as the extension measured it when VS Code activated it. */
  activateMs: number;
  /** A fresh `require` of dist/extension.js (evaluating the bundle, the SDK in it included). */
  bundleLoadMs: number;
  /** The baseline: a fresh `require` of @anthropic-ai/sdk alone. */
  sdkLoadMs: number;
}

export function benchActivation(api: PrefillLoomApi, extensionPath: string): ActivationResult {
  const bundle = path.join(extensionPath, 'dist', 'extension.js');
  const sdkEntry = require.resolve('@anthropic-ai/sdk');
  const sdkPackage = `${path.sep}@anthropic-ai${path.sep}sdk${path.sep}`;
  const sdkRoot = sdkEntry.slice(0, sdkEntry.lastIndexOf(sdkPackage) + sdkPackage.length);
  return {
    activateMs: api.activationMs,
    bundleLoadMs: freshRequireMs(bundle, (file) => file === bundle),
    sdkLoadMs: freshRequireMs(sdkEntry, (file) => file.startsWith(sdkRoot)),
  };
}

/** Milliseconds to require `entry` with every cached module `ours` claims evicted first (and after). */
function freshRequireMs(entry: string, ours: (file: string) => boolean): number {
  const evict = (): void => {
    for (const file of Object.keys(require.cache)) if (ours(file)) delete require.cache[file];
  };
  evict();
  const start = performance.now();
  require(entry);
  const ms = performance.now() - start;
  evict();
  return ms;
}
