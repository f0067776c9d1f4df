/**
 * The live data-flow view: a graph of the orgs whose edges are access volume (who asked, whose
 * record), folded from the audit projection's decisions (`GET /v1/audit`) and kept up to date by
 * polling for the decisions newer than the newest one shown; the alerts (`GET /v1/alerts`) beside it.
 * Polling the projection the API already has, rather than a stream route, keeps one way of reading
 * the audit log, its authorization and its scope (a hospital admin sees their hospital's flows).
 */
import { Background, Controls, MarkerType, Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { addEvents, edgeWidth, EMPTY_FLOWS, sidesOf, type Flow, type FlowState } from '../../../lib/flows';
import type { Alert, AuditEventView, Page } from '../../api-types';
import { DataTable, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useSession } from '../../session';

/** How often the view asks for new decisions and alerts. */
const POLL_MS = 3000;
/** Pages of 100 read when the view opens: the newest 2,000 decisions of the window at most. */
const FIRST_PAGES = 20;
const WINDOWS = [
  { label: 'last hour', ms: 3_600_000 },
  { label: 'last 24 hours', ms: 86_400_000 },
  { label: 'last 7 days', ms: 7 * 86_400_000 },
] as const;

/** Reads decisions from `from` on, newest first, until a page holds one already seen (or `maxPages`). */
async function readSince(
  get: (cursor: string | undefined) => Promise<Page<AuditEventView>>,
  seen: ReadonlySet<string>,
  maxPages: number,
): Promise<{ events: AuditEventView[]; complete: boolean }> {
  const events: AuditEventView[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await get(cursor);
    events.push(...page.items);
    if (page.nextCursor === null || page.items.some((e) => seen.has(e.eventId)))
      return { events, complete: true };
    cursor = page.nextCursor;
  }
  return { events, complete: false };
}

function useFlows(windowMs: number) {
  const { api } = useSession();
  const [state, setState] = useState<FlowState>(EMPTY_FLOWS);
  const [error, setError] = useState<unknown>(undefined);
  const [complete, setComplete] = useState(true);
  const [lastPoll, setLastPoll] = useState<{ at: string; added: number } | null>(null);
  const current = useRef(state);
  const poll = useCallback(
    async (first: boolean) => {
      const base = first ? EMPTY_FLOWS : current.current;
      const from = first
        ? new Date(Date.now() - windowMs).toISOString()
        : (base.newest ?? new Date(Date.now() - windowMs).toISOString());
      try {
        const read = await readSince(
          (cursor) => api.get<Page<AuditEventView>>('/v1/audit', { query: { from, limit: 100, cursor } }),
          base.seen,
          first ? FIRST_PAGES : 5,
        );
        const next = addEvents(base, read.events);
        current.current = next.state;
        setState(next.state);
        if (first) setComplete(read.complete);
        setLastPoll({ at: new Date().toISOString(), added: next.added });
        setError(undefined);
      } catch (err) {
        setError(err);
      }
    },
    [api, windowMs],
  );
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async (first: boolean) => {
      await poll(first);
      if (live) timer = setTimeout(() => void loop(false), POLL_MS);
    };
    void loop(true);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [poll]);
  return { state, error, complete, lastPoll };
}

function useAlerts() {
  const { api } = useSession();
  const [alerts, setAlerts] = useState<Alert[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      try {
        const list = await api.get<{ items: Alert[] }>('/v1/alerts');
        if (live) setAlerts(list.items);
      } catch (err) {
        if (live) setError(err);
      }
      if (live) timer = setTimeout(() => void loop(), POLL_MS * 5);
    };
    void loop();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api]);
  return { alerts, error };
}

/**
 * Two columns, so no arrow loops back: on the left the orgs that asked, on the right the orgs that
 * keep the records. An org reading its own records is an arrow between its two boxes.
 */
function graphOf(state: FlowState): { nodes: Node[]; edges: Edge[] } {
  const flows = [...state.flows.values()];
  const largest = Math.max(0, ...flows.map((f) => f.granted + f.denied));
  const { asked, keeps } = sidesOf(state);
  const column = (orgs: readonly string[], side: 'asked' | 'keeps'): Node[] =>
    orgs.map((org, i) => ({
      id: `${side}:${org}`,
      type: side === 'asked' ? 'input' : 'output',
      position: { x: side === 'asked' ? 0 : 420, y: i * 110 },
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      data: { label: side === 'asked' ? `${org} asks` : `${org} keeps` },
      className: 'flow-node',
      ariaLabel: side === 'asked' ? `${org}, as the org that asked` : `${org}, as the org that keeps records`,
    }));
  const edges: Edge[] = flows.map((f) => {
    const volume = f.granted + f.denied;
    const denied = f.denied > 0;
    return {
      id: `${f.from}>${f.to}`,
      source: `asked:${f.from}`,
      target: `keeps:${f.to}`,
      label: `${String(volume)}${denied ? ` (${String(f.denied)} denied)` : ''}`,
      ariaLabel: `${f.from} to ${f.to}: ${String(volume)} accesses, ${String(f.denied)} denied, ${String(f.breakGlass)} break-glass`,
      style: { strokeWidth: edgeWidth(volume, largest), stroke: denied ? '#B00020' : '#0072B2' },
      // Arrowheads of one size, whatever the edge's width.
      markerEnd: {
        type: MarkerType.ArrowClosed,
        color: denied ? '#B00020' : '#0072B2',
        markerUnits: 'userSpaceOnUse',
        width: 22,
        height: 22,
      },
      labelBgPadding: [4, 2] as [number, number],
      className: 'flow-edge',
    };
  });
  return { nodes: [...column(asked, 'asked'), ...column(keeps, 'keeps')], edges };
}

function FlowTable({ flows }: { readonly flows: readonly Flow[] }): ReactNode {
  return (
    <DataTable
      caption="Flows between orgs (the graph's edges)"
      columns={['From (who asked)', 'To (whose record)', 'Granted', 'Denied', 'Break-glass', 'Latest']}
    >
      {flows.map((f) => (
        <tr key={`${f.from}>${f.to}`}>
          <td>{f.from}</td>
          <td>{f.to}</td>
          <td>{f.granted}</td>
          <td>{f.denied}</td>
          <td>{f.breakGlass}</td>
          <td>
            <Time iso={f.last} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The `detail` keys of the break-glass rules that split their cases by kind. */
const SPLIT_KEYS: ReadonlySet<string> = new Set(['accesses', 'emergencyListings']);

const counted = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;

/**
 * How a break-glass alert's cases split into accesses and emergency listings (both rules count the
 * two kinds together and give each in `detail`); null for the other rules.
 */
function caseSplit(detail: Alert['detail']): string | null {
  const { accesses, emergencyListings } = detail;
  if (typeof accesses !== 'number' || typeof emergencyListings !== 'number') return null;
  return `${counted(accesses, 'access', 'accesses')}, ${counted(emergencyListings, 'emergency listing', 'emergency listings')}`;
}

/**
 * One alert: what it is (its rule's name, the code beside it as the API names it), how severe, whom it
 * is about, for the break-glass rules how its cases split by kind, the rule's other numbers and its
 * newest event (with its kind where the rule names one).
 */
function AlertRow({ alert }: { readonly alert: Alert }): ReactNode {
  const split = caseSplit(alert.detail);
  const latest = alert.events[0];
  return (
    <li className={`alert ${alert.severity}`}>
      <span className={`severity ${alert.severity}`}>{alert.severity}</span> <strong>{alert.name}</strong>{' '}
      <span className="muted">
        (<code>{alert.rule}</code>)
      </span>
      <div>
        <code>{alert.actorDid}</code> ({alert.actorMsp}), {alert.eventCount} event(s)
      </div>
      {split === null ? null : <div>{split}</div>}
      <div className="muted">
        {Object.entries(alert.detail)
          .filter(([k]) => split === null || !SPLIT_KEYS.has(k))
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(' · ')}
      </div>
      {latest ? (
        <div>
          Latest: <TxRef txId={latest.txId} blockNumber={latest.blockNumber} />
          {latest.kind === undefined ? null : ` (${latest.kind.replaceAll('_', ' ')})`}
        </div>
      ) : null}
    </li>
  );
}

function Alerts(): ReactNode {
  const { alerts, error } = useAlerts();
  return (
    <section className="card alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <Problem error={error} />
      {alerts === undefined ? null : alerts.length === 0 ? (
        <p>No unusual access now.</p>
      ) : (
        <ul className="plain">
          {alerts.map((a) => (
            <AlertRow key={`${a.rule}:${a.actorDid}`} alert={a} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function DataFlowPage(): ReactNode {
  const [windowIndex, setWindowIndex] = useState(1);
  const windowMs = WINDOWS[windowIndex]?.ms ?? 86_400_000;
  const { state, error, complete, lastPoll } = useFlows(windowMs);
  const graph = useMemo(() => graphOf(state), [state]);
  const flows = [...state.flows.values()].sort((a, b) => b.granted + b.denied - (a.granted + a.denied));
  return (
    <div className="page">
      <PageHead title="Data flow and alerts">
        Who reads whose records, live: each arrow goes from the org that asked (left) to the org that keeps
        the record (right), as wide as its volume; red when some were denied.
      </PageHead>
      <div className="toolbar">
        <label>
          Window{' '}
          <select
            value={windowIndex}
            onChange={(e) => {
              setWindowIndex(Number(e.target.value));
            }}
          >
            {WINDOWS.map((w, i) => (
              <option key={w.label} value={i}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <span role="status" aria-live="polite" className="muted">
          {lastPoll === null
            ? 'Reading the audit log…'
            : `${String(state.seen.size)} decisions; updated ${new Date(lastPoll.at).toLocaleTimeString()}${lastPoll.added > 0 ? `, ${String(lastPoll.added)} new` : ''}`}
          {complete ? '' : ' (the newest 2,000 of the window)'}
        </span>
      </div>
      <Problem error={error} />
      <div className="flow-layout">
        <section className="card" aria-labelledby="graph-title">
          <h2 id="graph-title">Between orgs</h2>
          <div className="flow-graph" data-edges={graph.edges.length}>
            <ReactFlow
              nodes={graph.nodes}
              edges={graph.edges}
              fitView
              nodesConnectable={false}
              nodesDraggable
              edgesFocusable
            >
              <Background />
              <Controls position="top-right" showInteractive={false} />
            </ReactFlow>
          </div>
          {flows.length === 0 ? <p>No access decision in this window.</p> : <FlowTable flows={flows} />}
        </section>
        <Alerts />
      </div>
    </div>
  );
}
