/**
 * Model text quoted for a hover or a message, exactly as written: no escaping (a `"` stays `"`), in
 * typographic quotes, with the whitespace that decides a divergence made visible as in the probe
 * report: `·` for each space at either edge, `⏎` for a line break, `→` for a tab. Past `maxChars`
 * the quote is cut and ends in `…`.
 */
export function quoteExactly(text: string, maxChars = Infinity): string {
  const cut = text.length > maxChars ? text.slice(0, maxChars) : text;
  const shown = cut
    .replace(/^ +| +$/g, (spaces) => '·'.repeat(spaces.length))
    .replace(/\r\n|[\n\r\u2028\u2029]/g, '⏎')
    .replace(/\t/g, '→');
  return `“${shown}${cut.length < text.length ? '…' : ''}”`;
}
