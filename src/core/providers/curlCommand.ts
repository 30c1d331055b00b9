import { REDACTED, type CapturedRequest } from './capturedRequest';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Headers the SDK adds about itself; a hand-run reproduction does not need them. */
const SDK_BOOKKEEPING = /^(x-stainless-|user-agent$|accept$|content-length$)/;

/** The shell variable a redacted header's value is read from when the command runs. */
function secretVariable(name: string, keyVariable: string): string {
  if (name === 'x-api-key') return keyVariable;
  if (name === 'authorization') return `Bearer ${keyVariable}`;
  return `$${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** A here-document delimiter that no line of `body` equals, so the body cannot end it early. */
function hereDocDelimiter(body: string): string {
  const lines = new Set(body.split('\n'));
  let delimiter = 'PREFILL_LOOM_BODY';
  for (let n = 2; lines.has(delimiter); n++) delimiter = `PREFILL_LOOM_BODY_${n}`;
  return delimiter;
}

/**
 * Renders a captured request as a command for bash or zsh (any POSIX shell) that reproduces it
 * outside the editor. No secret is written out: a redacted header reads its value from a shell
 * variable (`$ANTHROPIC_API_KEY` for the key of a Messages request, `$OPENAI_API_KEY` for an
 * OpenAI-style one, the header's name in capitals for a gateway header).
 * The body goes on standard input through a quoted here-document, which the shell passes on
 * verbatim and which has no size limit (an argument over 128 KiB fails with "Argument list too
 * long"); the here-document adds one final newline, which JSON ignores.
 */
export function toCurlCommand(request: CapturedRequest): string {
  const lines = [`curl ${shellQuote(request.url)}`, `  -X ${request.method}`];
  const keyVariable = isMessagesRequest(request) ? '$ANTHROPIC_API_KEY' : '$OPENAI_API_KEY';
  for (const [name, value] of Object.entries(request.headers)) {
    if (SDK_BOOKKEEPING.test(name)) continue;
    // A header name may hold `$` or a backtick; only the variable is left for the shell to expand.
    if (value === REDACTED) lines.push(`  -H ${/^[a-z0-9._-]+$/.test(name) ? `"${name}: ` : `${shellQuote(`${name}: `)}"`}${secretVariable(name, keyVariable)}"`);
    else lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (!request.body) return lines.join(' \\\n');
  const delimiter = hereDocDelimiter(request.body);
  lines.push(`  --data-binary @- <<'${delimiter}'\n${request.body}\n${delimiter}`);
  return lines.join(' \\\n');
}

/** What the user is told on copying the command: where it reads the key (and any other redacted header) from, or that it sends none. */
export function curlKeyNote(request: CapturedRequest): string {
  const keyVariable = isMessagesRequest(request) ? '$ANTHROPIC_API_KEY' : '$OPENAI_API_KEY';
  const variables = Object.entries(request.headers)
    .filter(([, value]) => value === REDACTED)
    .map(([name]) => secretVariable(name, keyVariable).replace(/^Bearer /, ''));
  return variables.length === 0 ? 'It sends no key (none was sent).' : `It reads ${variables.join(' and ')} from the environment.`;
}

/** The Anthropic SDK sends to `…/messages`; the OpenAI-style kinds to `…/completions` and `…/chat/completions`. */
function isMessagesRequest(request: CapturedRequest): boolean {
  return 'x-api-key' in request.headers || /\/messages(?:\/count_tokens)?(?:\?|$)/.test(request.url);
}
