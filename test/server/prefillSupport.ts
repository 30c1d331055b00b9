/**
 * Which models refuse an assistant prefill. From Claude 4.6 on (and every 5.x, Mythos and Fable
 * model) the real API answers a conversation ending in an assistant turn with a 400; the 4.5
 * models and earlier continue it.
 */
export const PREFILL_REFUSED_MESSAGE = 'This model does not support assistant message prefill. The conversation must end with a user message.';

const VERSIONED = /^claude-(?:opus|sonnet|haiku)-(\d+)(?:-(\d{1,2}))?(?:-\d{8})?$/;

export function refusesPrefill(model: string): boolean {
  if (/^claude-(?:mythos|fable)-/.test(model)) return true;
  const match = VERSIONED.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = match[2] === undefined ? 0 : Number(match[2]);
  return major > 4 || (major === 4 && minor >= 6);
}
