/**
 * The package an installed user gets: built offline with `npm run package`, it holds exactly the
 * files meant to ship, and every image and link of its README resolves where the Extensions view
 * shows it (images only from https or data URLs; links to files in the package or in the repository).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rebuildForDevelopment } from '../bench/footprint';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const REPOSITORY = 'https://github.com/prefill-loom/prefill-loom';

/** What the check needs to know about the package and the repository. */
export interface ReadmeContext {
  /** Paths inside the package's `extension/` folder. */
  readonly shipped: ReadonlySet<string>;
  /** Whether a path exists in the repository (what `github.com/…/blob/HEAD/<path>` serves). */
  readonly inRepository: (file: string) => boolean;
}

/** Every image and link of a README that would not resolve in the Extensions view, each with why. */
export function unresolvedReferences(readme: string, context: ReadmeContext): string[] {
  const text = readme.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const anchors = new Set([...readme.matchAll(/^#+\s+(.+)$/gm)].map((m) => slug(m[1])));
  const problems: string[] = [];
  const images = [...text.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g), ...text.matchAll(/<img\s[^>]*src="([^"]+)"/g)].map((m) => m[1]);
  for (const url of images) {
    if (url.startsWith('data:image/')) continue;
    if (!url.startsWith('https://')) {
      problems.push(`image ${url}: the Extensions view shows only https and data images`);
      continue;
    }
    const file = repositoryFile(url);
    if (file !== undefined && !context.inRepository(file)) problems.push(`image ${url}: no ${file} in the repository`);
  }
  const links = [...text.matchAll(/(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g), ...text.matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1]);
  for (const url of links) {
    if (url.startsWith('#')) {
      if (!anchors.has(url.slice(1))) problems.push(`link ${url}: no such heading`);
    } else if (/^(https|mailto):/.test(url)) {
      const file = repositoryFile(url);
      if (file !== undefined && !context.inRepository(file)) problems.push(`link ${url}: no ${file} in the repository`);
    } else if (/^[a-z]+:/i.test(url)) {
      problems.push(`link ${url}: not https`);
    } else {
      const file = decodeURI(url.split('#')[0]).replace(/^\.\//, '');
      if (!context.shipped.has(file)) problems.push(`link ${url}: ${file} is not in the package`);
    }
  }
  return problems;
}

/** The repository path a URL into this repository's files names, undefined for other URLs. */
function repositoryFile(url: string): string | undefined {
  const match = new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|raw|tree)/[^/]+/([^?#]+)`).exec(url);
  return match ? decodeURI(match[1]) : undefined;
}

/** GitHub's (and VS Code's) id of a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

const inWorkTree = (file: string): boolean => fs.existsSync(path.join(ROOT, file));

describe('the packaged README', () => {
  it('names every image and link that would not resolve', () => {
    const context: ReadmeContext = { shipped: new Set(['README.md', 'CHANGELOG.md', 'media/readme/shot.png']), inRepository: (f) => f === 'BENCHMARKS.md' || f === 'media/readme/shot.png' };
    const readme = [
      '# Title',
      '## Keys and endpoints',
      '![shot](media/readme/shot.png)',
      '![ok](https://github.com/prefill-loom/prefill-loom/raw/HEAD/media/readme/shot.png)',
      '![gone](https://github.com/prefill-loom/prefill-loom/raw/HEAD/media/readme/gone.png)',
      '<img src="http://example.com/a.png">',
      '![inline](data:image/png;base64,AAAA)',
      '[changes](CHANGELOG.md) [bench](BENCHMARKS.md) [online](https://github.com/prefill-loom/prefill-loom/blob/HEAD/BENCHMARKS.md)',
      '[missing](https://github.com/prefill-loom/prefill-loom/blob/HEAD/RELIABILITY.md) [keys](#keys-and-endpoints) [nowhere](#nowhere)',
      '```md',
      '![in code](not/an/image.png)',
      '```',
    ].join('\n');
    assert.deepEqual(unresolvedReferences(readme, context), [
      'image media/readme/shot.png: the Extensions view shows only https and data images',
      'image https://github.com/prefill-loom/prefill-loom/raw/HEAD/media/readme/gone.png: no media/readme/gone.png in the repository',
      'image http://example.com/a.png: the Extensions view shows only https and data images',
      'link BENCHMARKS.md: BENCHMARKS.md is not in the package',
      'link https://github.com/prefill-loom/prefill-loom/blob/HEAD/RELIABILITY.md: no RELIABILITY.md in the repository',
      'link #nowhere: no such heading',
    ]);
  });

  it('builds offline into a package of exactly the files meant to ship, whose README resolves everywhere', function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prefill-loom-package-'));
    try {
      const vsix = path.join(dir, 'prefill-loom.vsix');
      execFileSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
      const files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.startsWith('extension/') && !line.endsWith('/'))
        .map((line) => line.slice('extension/'.length));
      assert.deepEqual(files.sort(), [
        'LICENSE.txt',
        'changelog.md',
        'dist/distribution.js',
        'dist/extension.js',
        'dist/probeReport.js',
        'dist/webview.js',
        'media/distribution.css',
        'media/icon.png',
        'media/loom.svg',
        'media/loomView.css',
        'media/probeReport.css',
        'media/readme/screenshot.png',
        'media/readme/token-probabilities.png',
        'media/walkthrough/compare.md',
        'media/walkthrough/continue.md',
        'media/walkthrough/probe.md',
        'package.json',
        'readme.md',
      ]);
      const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
      // vsce renames these three; links in the README name them as they are in the repository.
      const renamed: Record<string, string> = { 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md', 'LICENSE.txt': 'LICENSE' };
      const shipped = new Set(files.map((f) => renamed[f] ?? f));
      assert.deepEqual(unresolvedReferences(readme, { shipped, inRepository: inWorkTree }), []);
      assert.ok(shipped.has(manifest.icon), 'the icon is in the package');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      rebuildForDevelopment();
    }
  });

  it('has what the Marketplace and Open VSX show: icon, repository, categories, keywords, banner', () => {
    const icon = fs.readFileSync(path.join(ROOT, manifest.icon));
    assert.equal(icon.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'a 128×128 icon');
    assert.equal(manifest.repository.url, `${REPOSITORY}.git`);
    assert.equal(manifest.bugs.url, `${REPOSITORY}/issues`);
    assert.ok(manifest.homepage.startsWith(REPOSITORY));
    assert.equal(manifest.publisher, REPOSITORY.split('/')[3]);
    assert.ok(manifest.categories.length > 0 && manifest.categories.every((c: string) => ['AI', 'Chat', 'Machine Learning', 'Other'].includes(c)));
    assert.ok(manifest.keywords.length >= 3 && manifest.keywords.length <= 30);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(fs.existsSync(path.join(ROOT, 'CHANGELOG.md')));
  });
});
