import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The training texts shipped with the simulator: `stories` (English prose, the default) and `mixed`
 * (short English and Chinese replies, so that samples at temperature 1 come out in two scripts).
 */
export type CorpusName = 'stories' | 'mixed';

export const CORPUS_NAMES: readonly CorpusName[] = ['stories', 'mixed'];

const DIRECTORY: Readonly<Record<CorpusName, string>> = { stories: 'corpus', mixed: 'mixed-corpus' };

/**
 * The shipped training text lives beside the sources, and tsc does not copy `.txt` files to `out/`,
 * so from the compiled file we look back into the source tree (`out/test/server/simulator` → `test/server/simulator`).
 */
function corpusDirectory(name: CorpusName): string {
  const besideSource = path.join(__dirname, DIRECTORY[name]);
  if (fs.existsSync(besideSource)) {
    return besideSource;
  }
  return path.resolve(__dirname, '..', '..', '..', '..', 'test', 'server', 'simulator', DIRECTORY[name]);
}

/**
 * Every paragraph of every file of a corpus, in a fixed order (files sorted by name) so training is
 * deterministic. Paragraphs are separated by blank lines; each one becomes one training sequence.
 */
export function corpusParagraphs(name: CorpusName = 'stories'): string[] {
  const directory = corpusDirectory(name);
  const files = fs.readdirSync(directory).filter((file) => file.endsWith('.txt')).sort();
  return files.flatMap((file) =>
    fs
      .readFileSync(path.join(directory, file), 'utf8')
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter((paragraph) => paragraph !== ''),
  );
}
