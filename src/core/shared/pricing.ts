import pricesJson from './prices.json';

/** One model's list prices, in USD per million tokens. */
export interface ModelPrice {
  /** The table entry that matched, e.g. `claude-3-5-haiku` for `claude-3-5-haiku-20241022`. */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Writing to the 5-minute cache (the API's default cache lifetime). */
  cacheWrite5mPerMTok: number;
  cacheWrite1hPerMTok: number;
  cacheReadPerMTok: number;
}

/** The token counts of a response, as the Messages API reports them in `usage`. */
export interface UsageForCost {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** The split of cache writes by lifetime; without it, every write is priced as a 5-minute one. */
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
}

interface PriceEntry {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
  note?: string;
}

interface PriceTable {
  source: string;
  asOf: string;
  cacheMultipliers: { write5m: number; write1h: number; read: number };
  models: Record<string, PriceEntry>;
  aliases: Record<string, string>;
}

const TABLE: PriceTable = pricesJson;
const MODELS = new Map(Object.entries(TABLE.models));
const ALIASES = new Map(Object.entries(TABLE.aliases));

/** Where the prices come from, for tooltips and reports. */
export const PRICES_SOURCE: string = TABLE.source;
/** The date the price table was last checked (YYYY-MM-DD). */
export const PRICES_AS_OF: string = TABLE.asOf;

/**
 * The list price of a model id, or undefined when the table does not know it. Dated snapshots and
 * `-latest` pointers resolve to their model (`claude-3-5-haiku-20241022` → `claude-3-5-haiku`).
 * There is deliberately no open prefix matching: `claude-opus-4` must not price a future
 * `claude-opus-4-9`, whose price may differ threefold; an unknown model shows tokens without cost.
 */
export function priceFor(model: string): ModelPrice | undefined {
  const id = model.trim().toLowerCase();
  for (const candidate of [id, id.replace(/-(?:\d{8}|latest)$/, '')]) {
    const key = ALIASES.get(candidate) ?? candidate;
    const entry = MODELS.get(key);
    if (entry) return toModelPrice(key, entry);
  }
  return undefined;
}

function toModelPrice(model: string, entry: PriceEntry): ModelPrice {
  const m = TABLE.cacheMultipliers;
  return {
    model,
    inputPerMTok: entry.input,
    outputPerMTok: entry.output,
    cacheWrite5mPerMTok: entry.cacheWrite5m ?? derived(entry.input, m.write5m),
    cacheWrite1hPerMTok: entry.cacheWrite1h ?? derived(entry.input, m.write1h),
    cacheReadPerMTok: entry.cacheRead ?? derived(entry.input, m.read),
  };
}

/** A multiple of a price, rounded so 0.8 × 0.1 reads as 0.08 and not 0.08000000000000002. */
function derived(price: number, multiplier: number): number {
  return Math.round(price * multiplier * 1e6) / 1e6;
}

/**
 * What a response cost at list price, in USD, or undefined for a model without a known price.
 * Cache writes are priced by lifetime when `cache_creation` splits them, else as 5-minute writes.
 */
export function costUsd(model: string, usage: UsageForCost): number | undefined {
  const price = priceFor(model);
  if (!price) return undefined;
  const split = usage.cache_creation;
  const write5m = split ? count(split.ephemeral_5m_input_tokens) : count(usage.cache_creation_input_tokens);
  const write1h = split ? count(split.ephemeral_1h_input_tokens) : 0;
  const perMTok =
    count(usage.input_tokens) * price.inputPerMTok +
    count(usage.output_tokens) * price.outputPerMTok +
    write5m * price.cacheWrite5mPerMTok +
    write1h * price.cacheWrite1hPerMTok +
    count(usage.cache_read_input_tokens) * price.cacheReadPerMTok;
  return perMTok / 1_000_000;
}

/** Token counts from the wire may be null or absent; neither costs anything. */
function count(n: number | null | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Below this, an amount is shown as "<$0.000001" rather than as a long row of zeros. */
const SMALLEST_SHOWN = 0.000001;

/**
 * Formats dollars for display: cents from $1 up (`$12.35`, `$1,234.50`), three significant digits
 * below (`$0.0123`, `$0.50`, `$0.000015`), and `<$0.000001` for anything smaller but not zero.
 */
export function formatUsd(n: number): string {
  if (!Number.isFinite(n)) return '$?';
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs === 0) return '$0.00';
  if (abs < SMALLEST_SHOWN) return `${sign}<$0.000001`;
  if (abs >= 0.9995) return `${sign}$${groupThousands(abs.toFixed(2))}`;
  const decimals = Math.min(6, Math.max(2, 2 - Math.floor(Math.log10(abs))));
  return `${sign}$${trimZeros(abs.toFixed(decimals))}`;
}

function groupThousands(fixed: string): string {
  const [whole, cents] = fixed.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** Drops trailing zeros beyond the cents: "0.500" → "0.50", "0.0000150" → "0.000015". */
function trimZeros(fixed: string): string {
  return fixed.replace(/(\.\d\d\d*?)0+$/, '$1');
}
