import { ENDPOINT_KINDS, isEndpointKind, isPrefillStyle, MAX_TOP_LOGPROBS, PREFILL_STYLES, type EndpointKind, type PrefillStyle } from './endpointKind';
import { baseUrlProblem, isLoopbackUrl } from './endpointSafety';

/** One named endpoint: where requests go, in which protocol, and how. Keys are kept apart (SecretStorage, environment). */
export interface EndpointSettings {
  name: string;
  kind: EndpointKind;
  /** '' for Anthropic means its own API; the OpenAI-style kinds need the base that ends in `/v1`. */
  baseUrl: string;
  /** Chat only. */
  prefillStyle: PrefillStyle;
  /** The model unless the document header names one; without it, `prefillLoom.model`. */
  model?: string;
  /** Alternatives per token to ask for; undefined asks for no token probabilities. */
  logprobs?: number;
}

/** The endpoint that always exists: Anthropic's Messages API at `prefillLoom.baseUrl`. */
export const ANTHROPIC_ENDPOINT_NAME = 'Anthropic';

export function builtInAnthropicEndpoint(baseUrl: string): EndpointSettings {
  return { name: ANTHROPIC_ENDPOINT_NAME, kind: 'anthropic', baseUrl, prefillStyle: 'plain' };
}

/** Whether an endpoint is this machine: such a server needs no key, and gets none unless one was set for it. */
export function isLocalEndpoint(endpoint: Pick<EndpointSettings, 'baseUrl'>): boolean {
  return isLoopbackUrl(endpoint.baseUrl);
}

/** Alternatives per token when an endpoint asks for probabilities without saying how many (OpenAI's completions maximum). */
export const DEFAULT_TOP_LOGPROBS = 5;

const NAME = /^[A-Za-z0-9][\w.@+ -]{0,62}$/;

/**
 * Checks `prefillLoom.endpoints` as VS Code hands it over. An entry with a problem is left out and
 * named in `problems` (with what to fix); the built-in Anthropic endpoint comes first, always.
 */
export function validateEndpoints(raw: unknown, anthropicBaseUrl: string): { endpoints: EndpointSettings[]; problems: string[] } {
  const endpoints = [builtInAnthropicEndpoint(anthropicBaseUrl)];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { endpoints, problems };
  if (!Array.isArray(raw)) return { endpoints, problems: ['`prefillLoom.endpoints` must be a list of endpoints; ignoring it.'] };
  raw.forEach((entry, index) => {
    const checked = checkEndpoint(entry, index, endpoints);
    if (typeof checked === 'string') problems.push(checked);
    else endpoints.push(checked);
  });
  return { endpoints, problems };
}

function checkEndpoint(entry: unknown, index: number, known: EndpointSettings[]): EndpointSettings | string {
  const where = `\`prefillLoom.endpoints\` entry ${index + 1}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${where} is not an object; it is ignored.`;
  const e = entry as Record<string, unknown>;
  const name = e.name;
  if (typeof name !== 'string' || !NAME.test(name)) return `${where} needs a "name" (letters, digits, spaces, . _ - @ +); it is ignored.`;
  const label = `${where} ("${name}")`;
  if (known.some((k) => k.name.toLowerCase() === name.toLowerCase())) return `${label} repeats a name already used; it is ignored.`;
  if (!isEndpointKind(e.kind)) return `${label} needs "kind": one of ${ENDPOINT_KINDS.join(', ')}; it is ignored.`;
  const baseUrl = typeof e.baseUrl === 'string' ? e.baseUrl.replace(/\/+$/, '') : '';
  const urlProblem = baseUrl === '' && e.kind === 'anthropic' ? undefined : baseUrlProblem(baseUrl);
  if (urlProblem !== undefined) return `${label}: "baseUrl" ${urlProblem} (e.g. http://127.0.0.1:8000/v1); it is ignored.`;
  if (e.prefillStyle !== undefined && !isPrefillStyle(e.prefillStyle)) return `${label}: "prefillStyle" must be one of ${PREFILL_STYLES.join(', ')}; it is ignored.`;
  if (e.model !== undefined && (typeof e.model !== 'string' || e.model.trim() === '')) return `${label}: "model" must be a model id; it is ignored.`;
  const endpoint: EndpointSettings = { name, kind: e.kind, baseUrl, prefillStyle: (e.prefillStyle as PrefillStyle | undefined) ?? 'plain' };
  if (typeof e.model === 'string') endpoint.model = e.model;
  if (e.logprobs === true) {
    const n = e.topLogprobs ?? DEFAULT_TOP_LOGPROBS;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_TOP_LOGPROBS) return `${label}: "topLogprobs" must be a whole number from 0 to ${MAX_TOP_LOGPROBS}; it is ignored.`;
    if (e.kind === 'anthropic') return `${label}: Anthropic's API gives no token probabilities; remove "logprobs". It is ignored.`;
    endpoint.logprobs = n;
  }
  return endpoint;
}

/**
 * The endpoint a document uses: the one its header names, else the default. A name that matches
 * none is a problem for the user to fix, never a silent fallback (the text would go elsewhere).
 */
export function resolveEndpoint(endpoints: readonly EndpointSettings[], defaultName: string | undefined, headerName: string | undefined): EndpointSettings | { problem: string } {
  const find = (name: string) => endpoints.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (headerName !== undefined) {
    return find(headerName) ?? { problem: `The document header asks for endpoint "${headerName}", which is not defined. Define it with "Prefill Loom: Add Endpoint…" or in \`prefillLoom.endpoints\`, or pick one of: ${endpoints.map((e) => e.name).join(', ')}.` };
  }
  if (defaultName === undefined || defaultName === '') return endpoints[0];
  return find(defaultName) ?? { problem: `\`prefillLoom.defaultEndpoint\` names "${defaultName}", which is not defined. Pick an endpoint from the status bar, or add it with "Prefill Loom: Add Endpoint…".` };
}
