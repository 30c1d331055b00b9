import { REDACTED, type CapturedRequest } from './capturedRequest';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Headers the SDK adds about itself; a hand-run reproduction does not need them. */
const SDK_BOOKKEEPING = /^(x-stainless-|user-agent$|accept$|content-length$)/;

/**
 * Renders a captured request as a curl command that reproduces it outside the editor. The key is
 * never written out: a redacted header becomes `$ANTHROPIC_API_KEY` (a Messages request) or
 * `$OPENAI_API_KEY` (an OpenAI-style one), expanded by the user's shell.
 */
export function toCurlCommand(request: CapturedRequest): string {
  const lines = [`curl ${shellQuote(request.url)}`, `  -X ${request.method}`];
  const keyVariable = isMessagesRequest(request) ? '$ANTHROPIC_API_KEY' : '$OPENAI_API_KEY';
  for (const [name, value] of Object.entries(request.headers)) {
    if (SDK_BOOKKEEPING.test(name)) continue;
    if (value === REDACTED) {
      const secret = name === 'authorization' ? `Bearer ${keyVariable}` : keyVariable;
      lines.push(`  -H "${name}: ${secret}"`);
    } else {
      lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
    }
  }
  if (request.body) lines.push(`  --data-raw ${shellQuote(request.body)}`);
  return lines.join(' \\\n');
}

/** The Anthropic SDK sends its key as `x-api-key` to `…/messages`; the OpenAI-style kinds as a bearer token. */
function isMessagesRequest(request: CapturedRequest): boolean {
  return 'x-api-key' in request.headers || /\/messages(?:\?|$)/.test(request.url);
}
