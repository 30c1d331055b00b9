import type { ConversationTurn, HeaderFields } from './documentHeader';
import { MAX_TOKENS_LIMIT } from './documentHeader';

/** The editor's settings for a generation, before a document's header overrides them. */
export interface GenerationDefaults {
  model: string;
  user: string;
  system?: string;
  temperature?: number;
  maxTokens: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
}

/** What one generation asks of the Messages API; absent optional values are not sent. */
export interface GenerationParams {
  model: string;
  user: string;
  system?: string;
  temperature?: number;
  max_tokens: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  /** The header's turns before the prefill; absent, the conversation is the one `user` turn. */
  messages?: ConversationTurn[];
}

/**
 * The user turn sent before the prefill when neither settings nor header give one. The API needs
 * a user turn, and its wording shapes what follows: it must read well both when the prefill is
 * long (the model should carry on seamlessly, not comment on the text) and when the document is
 * still empty (no assistant turn is sent, so "continue the text" alone would get "what text?").
 */
export const DEFAULT_USER_TURN =
  'Write the text, continuing seamlessly from wherever your reply begins, with no preamble or commentary.';

/** Fallbacks for settings that are missing or invalid. */
export const BUILT_IN_DEFAULTS: Readonly<GenerationDefaults> = Object.freeze({
  model: 'claude-haiku-4-5',
  user: DEFAULT_USER_TURN,
  maxTokens: 1024,
});

/**
 * Merges the editor's defaults with a document header; header values win. Optional values that
 * neither sets stay absent, and an empty stop-sequence list (a header's `[]` clearing the
 * defaults) is left out rather than sent.
 */
export function resolveGenerationParams(defaults: GenerationDefaults, header: HeaderFields): GenerationParams {
  const params: GenerationParams = {
    model: header.model ?? defaults.model,
    user: header.user ?? defaults.user,
    max_tokens: header.max_tokens ?? defaults.maxTokens,
  };
  const system = header.system ?? defaults.system;
  const temperature = header.temperature ?? defaults.temperature;
  const topP = header.top_p ?? defaults.topP;
  const topK = header.top_k ?? defaults.topK;
  const stops = header.stop_sequences ?? defaults.stopSequences;
  if (system !== undefined) params.system = system;
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.top_p = topP;
  if (topK !== undefined) params.top_k = topK;
  if (stops !== undefined && stops.length > 0) params.stop_sequences = [...stops];
  if (header.messages !== undefined) params.messages = header.messages.map((turn) => ({ ...turn }));
  return params;
}

/**
 * Checks a settings object as VS Code hands it over (`prefillLoom.*` without the prefix). Every
 * wrong type or out-of-range value becomes a problem message naming the setting and the fallback
 * used; unset values (`undefined` or `null`, and `""` for the optional system prompt) fall back
 * silently. Keys this does not know are ignored.
 */
export function validateGenerationDefaults(raw: unknown): { defaults: GenerationDefaults; problems: string[] } {
  const problems: string[] = [];
  const settings = isRecord(raw) ? raw : {};
  if (!isRecord(raw) && raw !== undefined && raw !== null) problems.push('Prefill Loom settings are not an object; using the built-in defaults.');
  const check = new SettingChecker(settings, problems);
  const defaults: GenerationDefaults = {
    model: check.text('model', BUILT_IN_DEFAULTS.model),
    user: check.text('user', BUILT_IN_DEFAULTS.user),
    maxTokens: check.integer('maxTokens', 1, MAX_TOKENS_LIMIT) ?? BUILT_IN_DEFAULTS.maxTokens,
  };
  const system = check.optionalText('system');
  const temperature = check.number('temperature', 0, 1);
  const topP = check.number('topP', 0, 1);
  const topK = check.integer('topK', 1, Number.MAX_SAFE_INTEGER);
  const stopSequences = check.stopSequences('stopSequences');
  if (system !== undefined) defaults.system = system;
  if (temperature !== undefined) defaults.temperature = temperature;
  if (topP !== undefined) defaults.topP = topP;
  if (topK !== undefined) defaults.topK = topK;
  if (stopSequences !== undefined) defaults.stopSequences = stopSequences;
  return { defaults, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one setting at a time, recording a problem whenever it has to fall back. */
class SettingChecker {
  constructor(
    private readonly settings: Record<string, unknown>,
    private readonly problems: string[],
  ) {}

  text(name: string, fallback: string): string {
    const value = this.settings[name];
    if (isUnset(value)) return fallback;
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.problem(name, `must be non-blank text (got ${describe(value)})`, `"${fallback}"`);
    return fallback;
  }

  optionalText(name: string): string | undefined {
    const value = this.settings[name];
    if (isUnset(value) || value === '') return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.problem(name, `must be text with a visible character, or empty for none (got ${describe(value)})`, 'none');
    return undefined;
  }

  number(name: string, min: number, max: number): number | undefined {
    const value = this.settings[name];
    if (isUnset(value)) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    this.problem(name, `must be a number from ${min} to ${max} (got ${describe(value)})`, "the model's default");
    return undefined;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.settings[name];
    if (isUnset(value)) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    const fallback = name === 'maxTokens' ? String(BUILT_IN_DEFAULTS.maxTokens) : "the model's default";
    this.problem(name, `must be a whole number ${range} (got ${describe(value)})`, fallback);
    return undefined;
  }

  /** Keeps the valid entries of a list and reports each one dropped. */
  stopSequences(name: string): string[] | undefined {
    const value = this.settings[name];
    if (isUnset(value)) return undefined;
    if (!Array.isArray(value)) {
      this.problem(name, `must be a list of strings (got ${describe(value)})`, 'no stop sequences');
      return undefined;
    }
    const kept = value.filter((entry, index) => {
      const ok = typeof entry === 'string' && entry.trim() !== '';
      if (!ok) this.problem(name, `entry ${index + 1} must contain a visible character (the API rejects blank ones; got ${describe(entry)})`, 'the list without it');
      return ok;
    }) as string[];
    return kept.length > 0 ? kept : undefined;
  }

  private problem(name: string, what: string, fallback: string): void {
    this.problems.push(`prefillLoom.${name} ${what}; using ${fallback} instead.`);
  }
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Numbers and booleans are shown; text is only described, as a mistyped setting may hold a secret. */
function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.trim() === '' ? 'blank text' : 'text';
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a value of type ${typeof value}`;
}
