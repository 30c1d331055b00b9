import { BlockList, isIP } from 'node:net';

/**
 * Where a host is, as far as a key sent to it is concerned. BlockList also matches IPv4-mapped IPv6
 * addresses (`[::ffff:127.0.0.1]`, which URL parsing turns into `[::ffff:7f00:1]`) against the
 * IPv4 ranges, so every spelling of an address lands in the same class.
 */
type HostClass = 'loopback' | 'metadata' | 'link-local' | 'elsewhere';

function blockList(ranges: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

const LOOPBACK = blockList([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]);
/** Cloud instance metadata services: they hand out the machine's own credentials, and are never a model API. */
const METADATA = blockList([['169.254.169.254', 32, 'ipv4'], ['fd00:ec2::254', 128, 'ipv6']]);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata']);
const LINK_LOCAL = blockList([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]);

function classifyHost(hostname: string): HostClass {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return 'loopback';
  if (METADATA_NAMES.has(host)) return 'metadata';
  const family = isIP(host);
  if (family === 0) return 'elsewhere';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(host, type)) return 'loopback';
  if (METADATA.check(host, type)) return 'metadata';
  if (LINK_LOCAL.check(host, type)) return 'link-local';
  return 'elsewhere';
}

/**
 * What is wrong with `text` as the base URL of an API, or undefined when nothing is. A URL with a
 * user name or password is refused: the SDK cannot use it, and the password would end up in error
 * messages and logs. The message never repeats the URL, so it cannot repeat the password either.
 */
export function baseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an http(s) URL such as https://api.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL such as https://api.example.com';
  if (url.username || url.password) return 'must not contain a user name or password (user:password@); give the credential as the API key instead';
  return undefined;
}

/**
 * The one rule for where a key may be sent without asking, for every provider, the editor and the
 * command line: pass the URL requests will actually go to (after defaults and environment
 * variables). Returns why the user should be asked first, or undefined when the key may go: over
 * https, or over plain http to this machine. A cloud metadata address is named as such whatever
 * the scheme; plain http to a link-local address is named as such too.
 */
export function endpointRisk(effectiveUrl: string): string | undefined {
  if (baseUrlProblem(effectiveUrl) !== undefined) return `${effectiveUrl} is not an http(s) URL, so it cannot be checked.`;
  const url = new URL(effectiveUrl);
  const host = classifyHost(url.hostname);
  if (host === 'metadata') {
    return `${effectiveUrl} is a cloud metadata address (the instance metadata service, never a model API), so sending your API key there is almost certainly a mistake.`;
  }
  if (url.protocol === 'https:' || host === 'loopback') return undefined;
  if (host === 'link-local') {
    return `${effectiveUrl} is plain http to a link-local address (169.254.x.x or fe80::, a machine on your network segment), so your API key and text would travel unencrypted.`;
  }
  return `${effectiveUrl} is plain http, so your API key and text would travel unencrypted.`;
}

/** Whether a URL points at this machine (loopback), where a local server runs that needs no key. */
export function isLoopbackUrl(baseUrl: string): boolean {
  try {
    return classifyHost(new URL(baseUrl).hostname) === 'loopback';
  } catch {
    return false;
  }
}
