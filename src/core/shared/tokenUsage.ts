/** Tokens billed for a request or summed over a generation. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export const ZERO_USAGE: TokenUsage = Object.freeze({ input_tokens: 0, output_tokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens };
}

/** Tokens as the status bar shows them, saying which are which: "14 in · 18 out tok". */
export function usageLabel(usage: TokenUsage): string {
  return `${usage.input_tokens.toLocaleString('en-US')} in · ${usage.output_tokens.toLocaleString('en-US')} out tok`;
}
