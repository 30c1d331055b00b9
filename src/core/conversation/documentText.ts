/** A file's bytes read as the editor would show them, or why they cannot be. */
export type DocumentText = { ok: true; text: string } | { ok: false; error: string };

/**
 * The line end the editor gives a file, by its own rule: CRLF when most line ends contain a CR
 * (CR-only files included), LF otherwise; a file without any keeps none.
 */
function editorLineEnd(text: string): '\r\n' | '\n' | undefined {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const cr = (text.match(/\r/g)?.length ?? 0) - crlf;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  const total = cr + lf + crlf;
  if (total === 0) return undefined;
  return cr + crlf > total / 2 ? '\r\n' : '\n';
}

/**
 * Reads a text file's bytes the way the editor opens it, so the command line sends what the editor
 * would for the same file: a UTF-8 byte-order mark is dropped, every line end (`\r`, `\n`, `\r\n`)
 * becomes the file's dominant one, and bytes that are not UTF-8 are refused (the editor would show
 * them as replacement characters; sending those silently would alter the text).
 */
export function decodeDocumentText(bytes: Uint8Array): DocumentText {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return { ok: false, error: `the input is not valid UTF-8 (first bad byte at offset ${at}). Convert it to UTF-8, e.g. with iconv, and run again.` };
  }
  const lineEnd = editorLineEnd(text);
  return { ok: true, text: lineEnd === undefined ? text : text.replace(/\r\n|\r|\n/g, lineEnd) };
}

/**
 * The offset of the first byte that is not UTF-8: the end of the longest prefix that decodes as a
 * stream (found by halving), moved back to the start of a character that prefix leaves unfinished,
 * since that character's lead byte is the bad one when the next byte breaks it or the file ends.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decodes = (end: number, stream: boolean): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = Math.floor((low + high + 1) / 2);
    if (decodes(mid, true)) low = mid;
    else high = mid - 1;
  }
  while (low > 0 && !decodes(low, false)) low--;
  return low;
}
