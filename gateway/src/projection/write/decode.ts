/**
 * Reads a chaincode event's payload against the domain's event schema and hands it to the handler of
 * its type. A payload that is not UTF-8 JSON of its declared schema is not an error here: the store
 * keeps it as an invalid `ledger_tx` row rather than stopping the projection.
 */
import { events, type EventName, type EventPayload } from '@medledger/domain';

import { EVENT_HANDLERS, type EventHandler, type HandlerContext } from './handlers';

/** An event whose payload matched its schema. */
export interface DecodedEvent<N extends EventName = EventName> {
  readonly name: N;
  readonly payload: EventPayload<N>;
  /** The payload as sent, extra fields included. */
  readonly raw: unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/** The parsed event, or `undefined` for an unknown name or a payload off its schema. */
export function decodeEvent(name: string, payload: Uint8Array): DecodedEvent | undefined {
  if (!isEventName(name)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
  const result = events[name].safeParse(raw);
  return result.success ? { name, payload: result.data as EventPayload<typeof name>, raw } : undefined;
}

/** Runs the handler of the event's type (none for the types no view reads). */
export async function runHandler<N extends EventName>(
  event: DecodedEvent<N>,
  at: HandlerContext,
): Promise<void> {
  const handler: EventHandler<N> | null = EVENT_HANDLERS[event.name];
  if (handler) await handler(event.payload, at);
}
