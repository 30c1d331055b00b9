/**
 * Whether a key may go to an endpoint without asking: over https, or to this machine. Plain http to
 * anywhere else would show the key to everyone on the way.
 */
export function isSafeEndpoint(baseUrl: string): boolean {
  if (baseUrl === '') return true;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** Whether a URL points at this machine (loopback), where a local server runs. */
export function isLoopbackUrl(baseUrl: string): boolean {
  try {
    return isLoopbackHost(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
