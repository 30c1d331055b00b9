import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The shipped training text lives beside the sources, and tsc does not copy `.txt` files to `out/`,
 * so from the compiled file we look back into the source tree (`out/test/server/simulator` → `test/server/simulator`).
 */
function corpusDirectory(): string {
  const besideSource = path.join(__dirname, 'corpus');
  if (fs.existsSync(besideSource)) {
    return besideSource;
  }
  return path.resolve(__dirname, '..', '..', '..', '..', 'test', 'server', 'simulator', 'corpus');
}

/**
 * Every paragraph of every corpus file, in a fixed order (files sorted by name) so training is
 * deterministic. Paragraphs are separated by blank lines; each one becomes one training sequence.
 */
export function corpusParagraphs(): string[] {
  const directory = corpusDirectory();
  const files = fs.readdirSync(directory).filter((name) => name.endsWith('.txt')).sort();
  return files.flatMap((name) =>
    fs
      .readFileSync(path.join(directory, name), 'utf8')
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter((paragraph) => paragraph !== ''),
  );
}
