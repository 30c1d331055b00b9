/**
 * What the extension weighs as shipped: the production bundles and the .vsix, packaged by the
 * project's own `npm run package` into a temporary directory. The baseline is the official SDK alone,
 * bundled and minified the same way: the floor of any bundle that talks to the API through it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');

export interface FootprintResult {
  /** Each production bundle in dist/ (source maps aside), in bytes. */
  bundles: Array<{ name: string; bytes: number }>;
  vsixBytes: number;
  /** The baseline: the SDK's client alone, bundled and minified for Node, in bytes. */
  sdkAloneBytes: number;
}

/**
 * Packages the extension (its prepublish step builds dist/ for production), measures, and builds
 * dist/ again as the tests and the in-host benchmarks expect it unless `keepProduction`.
 */
export function measureFootprint(keepProduction: boolean): FootprintResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-vsix-'));
  try {
    const vsix = path.join(dir, 'prefill-loom.vsix');
    execFileSync('npm', ['run', '--silent', 'package', '--', '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
    const bundles = fs
      .readdirSync(DIST)
      .filter((name) => name.endsWith('.js'))
      .sort()
      .map((name) => ({ name, bytes: fs.statSync(path.join(DIST, name)).size }));
    return { bundles, vsixBytes: fs.statSync(vsix).size, sdkAloneBytes: sdkAloneBytes() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    if (!keepProduction) rebuildForDevelopment();
  }
}

/** Puts back the development build (source maps, no minifying) that `npm run package` replaced. */
export function rebuildForDevelopment(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'pipe' });
}

function sdkAloneBytes(): number {
  const result = buildSync({
    // Imported as the extension imports it, so the baseline gets the same module build and tree shaking.
    stdin: { contents: "export { default } from '@anthropic-ai/sdk';", resolveDir: ROOT },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    write: false,
  });
  return result.outputFiles[0].contents.byteLength;
}
