import { isHarmlessHeader, REDACTED } from './capturedRequest';

/**
 * Shorter values are not treated as secrets: replacing every "1" or "true" a custom header carries
 * would garble messages without protecting anything.
 */
const MIN_SECRET_LENGTH = 8;

/** Every credential this process has been configured with; only ever grows, so a removed key stays hidden too. */
const knownSecrets = new Set<string>();

/**
 * Things shaped like credentials, whoever's they are: a server may echo a key this process never
 * held (another user's, a gateway's own token), and an error message is no place for any of them.
 */
const CREDENTIAL_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\bsk-ant-[A-Za-z0-9_-]+/g, REDACTED],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
];

/** Makes {@link redactSecrets} hide `secret` from now on (a configured key, a gateway token). */
export function rememberSecret(secret: string | null | undefined): void {
  const value = secret?.trim();
  if (value && value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

/**
 * Remembers the credentials the SDK reads from the environment by itself: the key, a bearer token,
 * and the values of `ANTHROPIC_CUSTOM_HEADERS` (gateway tokens), parsed as the SDK parses them.
 * Values of headers known to be harmless are left out, so they stay readable.
 */
export function rememberEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  rememberSecret(env.ANTHROPIC_API_KEY);
  rememberSecret(env.ANTHROPIC_AUTH_TOKEN);
  for (const line of (env.ANTHROPIC_CUSTOM_HEADERS ?? '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon >= 0 && !isHarmlessHeader(line.slice(0, colon).trim().toLowerCase())) rememberSecret(line.slice(colon + 1));
  }
}

/**
 * The one place credentials are taken out of text: every string that is shown, logged, printed or
 * stored and may hold something a server or the user's setup said passes through here first. The
 * configured secrets are replaced wherever they appear, then anything shaped like an API key.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  return out;
}
