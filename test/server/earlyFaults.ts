/** The faults that strike before any reply is written, the same on every route. */
import type { ServerResponse } from 'node:http';
import { isReplyQuirk, type Fault, type StatusFault, type StreamFault } from './faults';

/**
 * Applies `fault` if it strikes before the reply: a status fault throws the route's error for it
 * (`statusError`), `hang` leaves the request unanswered (close() destroys the connection), `garbage`
 * answers a 200 that is no API's reply. Returns the stream fault left for the reply, or 'answered'.
 * Reply quirks are the Messages API's own: its route reads them from the fault it took.
 */
export function strikeBeforeReply(
  res: ServerResponse,
  fault: Fault | undefined,
  statusError: (fault: StatusFault) => Error,
): StreamFault | undefined | 'answered' {
  switch (fault?.kind) {
    case 'status':
      throw statusError(fault);
    case 'hang':
      return 'answered';
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Welcome to Harbour Wi-Fi</h1><p>Please sign in to continue.</p></body></html>');
      return 'answered';
    default:
      return isReplyQuirk(fault) ? undefined : fault;
  }
}
