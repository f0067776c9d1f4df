/**
 * Audit search: access decisions from this gateway's audit projection (`GET /v1/audit`), filtered and
 * paged with the API's cursors. Each event links to its copy on the ledger (`GET /v1/audit/{id}`),
 * with its transaction id and block, so an auditor can check the projection against the chain. The
 * filters stay in the page's memory, never in the URL.
 */
import { ACCESS_OUTCOMES, PURPOSES } from '@medledger/domain/browser';
import { useState, type SyntheticEvent, type ReactNode } from 'react';

import type { AuditEvent, AuditEventView, Page } from '../../api-types';
import { ActionButton, DataTable, Field, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';
import { isoOfLocal } from '../../../lib/time';

const PAGE_SIZE = 25;

interface Filters {
  patient: string;
  actor: string;
  org: string;
  custodian: string;
  record: string;
  purpose: string;
  outcome: string;
  from: string;
  to: string;
}

const EMPTY: Filters = {
  patient: '',
  actor: '',
  org: '',
  custodian: '',
  record: '',
  purpose: '',
  outcome: '',
  from: '',
  to: '',
};

const TEXT_FILTERS: readonly { key: keyof Filters; label: string; placeholder: string }[] = [
  { key: 'patient', label: 'Patient DID', placeholder: 'did:medledger:patient:…' },
  { key: 'actor', label: 'Actor DID', placeholder: 'did:medledger:hospital2:…' },
  { key: 'org', label: "Actor's org", placeholder: 'Hospital2MSP' },
  { key: 'custodian', label: 'Custodian', placeholder: 'Hospital1MSP' },
  { key: 'record', label: 'Record id', placeholder: 'rec-…' },
];

function queryOf(f: Filters, cursor: string | undefined) {
  return {
    patient: f.patient.trim(),
    actor: f.actor.trim(),
    org: f.org.trim(),
    custodian: f.custodian.trim(),
    record: f.record.trim(),
    purpose: f.purpose,
    outcome: f.outcome,
    from: isoOfLocal(f.from),
    to: isoOfLocal(f.to),
    limit: PAGE_SIZE,
    cursor,
  };
}

/** The ledger's own copy of an event, beside the projection's row. */
function LedgerCopy({ event }: { readonly event: AuditEventView }): ReactNode {
  const { api } = useSession();
  const check = useAction(async () => api.get<AuditEvent>(`/v1/audit/${event.eventId}`));
  const copy = check.result;
  const agrees =
    copy !== undefined &&
    copy.outcome === event.outcome &&
    copy.reason === event.reason &&
    copy.recordId === event.recordId &&
    copy.actorDid === event.actorDid;
  return (
    <div className="ledger-copy">
      <TxRef txId={event.txId} blockNumber={event.blockNumber} />{' '}
      <ActionButton busy={check.busy} kind="secondary" onClick={() => void check.run()}>
        Check on the ledger<span className="sr-only"> (event {event.eventId.slice(0, 12)})</span>
      </ActionButton>
      {copy === undefined ? null : (
        <span className={agrees ? 'status granted' : 'status denied'} role="status">
          {agrees ? 'the ledger agrees' : 'the ledger differs'}
        </span>
      )}
      <Problem error={check.error} />
    </div>
  );
}

function Results({ page }: { readonly page: Page<AuditEventView> }): ReactNode {
  if (page.items.length === 0) return <p>No access decision matches.</p>;
  return (
    <DataTable
      caption="Access decisions, newest first"
      columns={['When', 'Actor', 'Record', 'Patient', 'Purpose', 'Outcome', 'Basis', 'Transaction and block']}
    >
      {page.items.map((e) => (
        <tr key={e.eventId} className={e.breakGlass ? 'flagged' : undefined}>
          <td>
            <Time iso={e.txTime} />
          </td>
          <td>
            <code>{e.actorDid}</code>
            <span className="muted">
              {' '}
              {e.actorMsp}
              {e.actorRole === null ? '' : `, ${e.actorRole}`}
            </span>
          </td>
          <td>
            <code>{e.recordId}</code> <span className="muted">at {e.custodian}</span>
          </td>
          <td>
            {e.patientDid === null ? (
              <span className="muted" title="The patient is kept in the custodian's sealed collection">
                not held here
              </span>
            ) : (
              <code>{e.patientDid}</code>
            )}
          </td>
          <td>{e.purpose}</td>
          <td>
            <span className={`status ${e.outcome}`}>{e.outcome}</span>
          </td>
          <td>
            {e.reason}
            {e.breakGlass ? <span className="tag">break-glass</span> : null}
          </td>
          <td>
            <LedgerCopy event={e} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function AuditPage(): ReactNode {
  const { api } = useSession();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // The cursors of the pages before the one shown, for "Previous page".
  const [trail, setTrail] = useState<(string | undefined)[]>([]);
  const search = useAction(async (_attempt, f: Filters, cursor: string | undefined) =>
    api.get<Page<AuditEventView>>('/v1/audit', { query: queryOf(f, cursor) }),
  );
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const go = (f: Filters, at: string | undefined) => {
    setApplied(f);
    setCursor(at);
    void search.run(f, at);
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setTrail([]);
    go(filters, undefined);
  };
  const set = (key: keyof Filters, value: string) => {
    setFilters({ ...filters, [key]: value });
  };
  const page = search.result;
  return (
    <div className="page">
      <PageHead title="Audit search">
        Every access decision, granted or denied, from this gateway's audit projection. Each links to its
        transaction and block: check any of them against the ledger.
      </PageHead>
      <form className="card" onSubmit={submit} aria-labelledby="filters-title">
        <h2 id="filters-title">Filters</h2>
        <div className="grid">
          {TEXT_FILTERS.map((t) => (
            <Field key={t.key} label={t.label}>
              {(id) => (
                <input
                  id={id}
                  value={filters[t.key]}
                  placeholder={t.placeholder}
                  spellCheck={false}
                  onChange={(e) => {
                    set(t.key, e.target.value);
                  }}
                />
              )}
            </Field>
          ))}
          <Field label="Purpose">
            {(id) => (
              <select
                id={id}
                value={filters.purpose}
                onChange={(e) => {
                  set('purpose', e.target.value);
                }}
              >
                <option value="">any</option>
                {PURPOSES.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Outcome">
            {(id) => (
              <select
                id={id}
                value={filters.outcome}
                onChange={(e) => {
                  set('outcome', e.target.value);
                }}
              >
                <option value="">any</option>
                {ACCESS_OUTCOMES.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="From (inclusive)">
            {(id) => (
              <input
                id={id}
                type="datetime-local"
                value={filters.from}
                onChange={(e) => {
                  set('from', e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="To (exclusive)">
            {(id) => (
              <input
                id={id}
                type="datetime-local"
                value={filters.to}
                onChange={(e) => {
                  set('to', e.target.value);
                }}
              />
            )}
          </Field>
        </div>
        <div className="actions">
          <ActionButton type="submit" busy={search.busy}>
            Search
          </ActionButton>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setFilters(EMPTY);
            }}
          >
            Clear filters
          </button>
        </div>
      </form>
      <Problem error={search.error} />
      {page === undefined ? null : (
        <section className="card" aria-labelledby="results-title">
          <h2 id="results-title">Results (page {trail.length + 1})</h2>
          <Results page={page} />
          <nav className="pager" aria-label="Result pages">
            <button
              type="button"
              className="button secondary"
              disabled={trail.length === 0 || search.busy}
              onClick={() => {
                const previous = trail.slice(0, -1);
                const at = trail.at(-1);
                setTrail(previous);
                go(applied, at);
              }}
            >
              Previous page
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={page.nextCursor === null || search.busy}
              onClick={() => {
                setTrail([...trail, cursor]);
                go(applied, page.nextCursor ?? undefined);
              }}
            >
              Next page
            </button>
          </nav>
        </section>
      )}
    </div>
  );
}
