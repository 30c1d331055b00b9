import { getTokenizer } from '@anthropic-ai/tokenizer';

/**
 * Claude's legacy BPE vocabulary (the one `@anthropic-ai/tokenizer` ships), wrapped so the simulator
 * sees text exactly as a byte-level BPE model does: as ids whose bytes need not be whole characters.
 */

/** `<EOT>` in the vocabulary: the simulated model emits it where a training paragraph ended. */
export const END_OF_TEXT = 0;
/** `<SOS>` in the vocabulary: marks where the assistant's turn starts, so an empty prefill begins a paragraph. */
export const START_OF_TEXT = 4;

/** tiktoken's WASM `Tiktoken`, named through the package we depend on rather than its own dependency. */
type Bpe = ReturnType<typeof getTokenizer>;

let shared: Bpe | undefined;

/** One WASM instance for the whole process: building it parses ~700 KB of ranks (~150 ms), and it is never freed. */
function bpe(): Bpe {
  shared ??= getTokenizer();
  return shared;
}

/**
 * Token ids of `text`, treating everything as ordinary text: a user who types `<EOT>` gets the
 * characters, not the control token. No NFKC normalisation (unlike `countTokens`), so that
 * `decode(encode(s)) === s` and a prefill is continued from exactly what the user wrote.
 */
export function encode(text: string): number[] {
  return Array.from(bpe().encode_ordinary(text));
}

/** The raw bytes of one token; for multi-byte characters these may be only part of a character. */
export function decodeToken(id: number): Uint8Array {
  return bpe().decode_single_token_bytes(id);
}

/** The text of a whole id sequence; bytes that do not form complete characters become U+FFFD. */
export function decode(ids: readonly number[]): string {
  return new TextDecoder().decode(bpe().decode(Uint32Array.from(ids)));
}
