/**
 * The start of `text`'s UTF-8 bytes, ending just after the lead byte of its first multi-byte character,
 * so a client decoding it is left holding an incomplete character. Without any, it is cut in half.
 */
export function cutInsideMultibyte(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const lead = bytes.findIndex((byte) => byte >= 0xc0);
  return bytes.subarray(0, lead === -1 ? Math.floor(bytes.length / 2) : lead + 1);
}

export function hasNonAscii(text: string): boolean {
  return /[^\x00-\x7f]/.test(text);
}
