import { baseUrlProblem } from './endpointSafety';

/** How requests are sent: where, how patiently, and how far a generation may run past max_tokens. */
export interface ConnectionSettings {
  /** '' means the SDK's default endpoint. */
  baseUrl: string;
  requestTimeoutSeconds: number;
  maxRetries: number;
  /** Output-token budget of one generation, across auto-continue requests. */
  maxTotalTokens: number;
  /** Generations of one document that may stream at once (alternatives, regenerations). */
  concurrency: number;
  /** How many alternatives Generate Alternatives asks for. */
  alternatives: number;
}

/**
 * The output-token budget of one generation: the setting, but never less than one request's
 * `max_tokens` (a document header may ask for more than the setting).
 */
export function outputTokenBudget(connection: Pick<ConnectionSettings, 'maxTotalTokens'>, maxTokens: number): number {
  return Math.max(connection.maxTotalTokens, maxTokens);
}

export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = Object.freeze({
  baseUrl: '',
  requestTimeoutSeconds: 600,
  maxRetries: 2,
  maxTotalTokens: 4096,
  concurrency: 4,
  alternatives: 4,
});

type IntegerSetting = Exclude<keyof ConnectionSettings, 'baseUrl'>;
const INTEGER_RANGES: Record<IntegerSetting, [number, number]> = {
  requestTimeoutSeconds: [1, 3600],
  maxRetries: [0, 10],
  maxTotalTokens: [1, 1_000_000],
  concurrency: [1, 32],
  alternatives: [1, 64],
};

/**
 * Checks connection settings read from the editor. A bad value is replaced by its default and named
 * in `problems`, so the user hears about it instead of getting a silent fallback.
 */
export function validateConnectionSettings(raw: Partial<Record<keyof ConnectionSettings, unknown>>): {
  settings: ConnectionSettings;
  problems: string[];
} {
  const settings: ConnectionSettings = { ...DEFAULT_CONNECTION_SETTINGS };
  const problems: string[] = [];
  if (raw.baseUrl !== undefined && raw.baseUrl !== '') {
    const problem = typeof raw.baseUrl === 'string' ? baseUrlProblem(raw.baseUrl) : baseUrlProblem('');
    if (problem === undefined) settings.baseUrl = (raw.baseUrl as string).replace(/\/+$/, '');
    else problems.push(`\`prefillLoom.baseUrl\` ${problem}; using the default endpoint instead.`);
  }
  for (const name of Object.keys(INTEGER_RANGES) as IntegerSetting[]) {
    const value = raw[name];
    if (value === undefined) continue;
    const [min, max] = INTEGER_RANGES[name];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) settings[name] = value;
    else problems.push(`\`prefillLoom.${name}\` must be a whole number from ${min} to ${max}; using ${settings[name]}.`);
  }
  return { settings, problems };
}
