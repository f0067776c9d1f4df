/**
 * The data-flow view's model: access decisions folded into flows between orgs (who asked, whose
 * record), each with its volume, denials and break-glass count. Pure, so the live view can add the
 * events of every poll and the tests can check the sums.
 */

/** The fields of an access decision the flows need. */
export interface FlowEvent {
  readonly eventId: string;
  readonly txTime: string;
  readonly actorMsp: string;
  readonly custodian: string;
  readonly outcome: 'granted' | 'denied';
  readonly breakGlass: boolean;
}

/** Accesses from one org (the actor's) to another's records (the custodian's). */
export interface Flow {
  readonly from: string;
  readonly to: string;
  readonly granted: number;
  readonly denied: number;
  readonly breakGlass: number;
  /** Newest decision of the flow. */
  readonly last: string;
}

/** Flows keyed `from>to`, and the ids of every event folded in (an event counts once). */
export interface FlowState {
  readonly flows: ReadonlyMap<string, Flow>;
  readonly seen: ReadonlySet<string>;
  /** Newest decision time seen (ISO), the start of the next poll. */
  readonly newest: string | null;
}

export const EMPTY_FLOWS: FlowState = { flows: new Map(), seen: new Set(), newest: null };

/** `state` with `events` folded in; events already seen are skipped. Returns the state and what was new. */
export function addEvents(
  state: FlowState,
  events: readonly FlowEvent[],
): { state: FlowState; added: number } {
  const flows = new Map(state.flows);
  const seen = new Set(state.seen);
  let newest = state.newest;
  let added = 0;
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    added++;
    const key = `${e.actorMsp}>${e.custodian}`;
    const prior = flows.get(key) ?? {
      from: e.actorMsp,
      to: e.custodian,
      granted: 0,
      denied: 0,
      breakGlass: 0,
      last: e.txTime,
    };
    flows.set(key, {
      ...prior,
      granted: prior.granted + (e.outcome === 'granted' ? 1 : 0),
      denied: prior.denied + (e.outcome === 'denied' ? 1 : 0),
      breakGlass: prior.breakGlass + (e.breakGlass ? 1 : 0),
      last: e.txTime > prior.last ? e.txTime : prior.last,
    });
    if (newest === null || e.txTime > newest) newest = e.txTime;
  }
  return { state: { flows, seen, newest }, added };
}

/** The orgs that asked and the orgs whose records were asked for, each sorted (the graph's two columns). */
export function sidesOf(state: FlowState): { asked: string[]; keeps: string[] } {
  const flows = [...state.flows.values()];
  return {
    asked: [...new Set(flows.map((f) => f.from))].sort(),
    keeps: [...new Set(flows.map((f) => f.to))].sort(),
  };
}

/** An edge's width for its volume: 1.5 px up to 10 px at the largest flow, on a square-root scale. */
export function edgeWidth(volume: number, largest: number): number {
  if (largest <= 0 || volume <= 0) return 1.5;
  return 1.5 + 8.5 * Math.sqrt(volume / largest);
}
