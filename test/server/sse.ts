/** A JSON payload the API sends as an SSE event; its `type` is also the event's name. */
export interface EventPayload {
  type: string;
  [field: string]: unknown;
}

/**
 * Frames an event as the API does: an `event:` line, one `data:` line of JSON (JSON.stringify never
 * emits a raw newline) and a blank line.
 */
export function sseEvent(payload: EventPayload): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}
