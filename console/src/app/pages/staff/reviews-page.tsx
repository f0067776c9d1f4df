/**
 * Reviews: record versions the quality gate held, break-glass accesses (with who co-signed one beyond
 * the patient's profile) and doctors' emergency listings awaiting their post-hoc review, from the
 * compliance report (hospital admins see their hospital's, regulator auditors all).
 * A custodian's attending, who has no report, clears a held version by its record id.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';

import type { BreakGlassCaseView, ComplianceReport, RecordAnchor, Written } from '../../api-types';
import {
  ActionButton,
  DataTable,
  Done,
  Field,
  Loading,
  PageHead,
  Problem,
  Time,
  TxRef,
} from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession, type Who } from '../../session';

const seesReport = (who: Who): boolean =>
  who.kind === 'staff' && (who.role === 'admin' || who.role === 'auditor');

function useReport(enabled: boolean) {
  const { api } = useSession();
  const [report, setReport] = useState<ComplianceReport | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const load = useCallback(() => {
    if (!enabled) return;
    api.get<ComplianceReport>('/v1/reports/compliance').then(setReport, (err: unknown) => {
      setError(err);
    });
  }, [api, enabled]);
  useEffect(load, [load]);
  return { report, error, load };
}

function ClearButton({
  recordId,
  version,
  onDone,
}: {
  readonly recordId: string;
  readonly version: number;
  readonly onDone: () => void;
}): ReactNode {
  const { api } = useSession();
  const action = useAction(async (attempt) => {
    const answer = await api.write<Written<{ record: RecordAnchor }>>(
      'POST',
      `/v1/records/${encodeURIComponent(recordId)}/review`,
      { version },
      attempt.idempotencyKey,
    );
    onDone();
    return answer;
  });
  return (
    <>
      <ActionButton busy={action.busy} kind="secondary" onClick={() => void action.run()}>
        Clear
        <span className="sr-only">
          {' '}
          {recordId} version {version}
        </span>
      </ActionButton>
      <Problem error={action.error} />
    </>
  );
}

type EmergencyListingView = ComplianceReport['emergencyListings'][number];

/**
 * A review of one case (a break-glass access, or an emergency listing): it goes to the org holding the
 * case (`custodian`: the record's custodian, the listing doctor's org), so a regulator's auditor reviews
 * it too. The write's answer gives the outcome at once; the list shows it too once the projection has
 * the review's event.
 */
function useReview(id: string, custodian: string, onDone: () => void) {
  const { api } = useSession();
  return useAction(async (attempt, outcome: 'justified' | 'unjustified') => {
    const answer = await api.write<Written<{ case: { outcome: string | null } }>>(
      'POST',
      `/v1/break-glass/${id}/review`,
      { outcome, custodian },
      attempt.idempotencyKey,
    );
    onDone();
    return answer;
  });
}

/** What a break-glass access and an emergency listing share in a report. */
type ReviewCase = Pick<
  BreakGlassCaseView,
  | 'txTime'
  | 'actorDid'
  | 'actorMsp'
  | 'breakGlassReason'
  | 'reviewDeadline'
  | 'txId'
  | 'blockNumber'
  | 'state'
  | 'review'
>;

/**
 * One case's row: when, who and why, the cells of its kind (`children`), its state, deadline, ledger
 * reference and review buttons (`label` names the case to screen readers).
 */
function CaseRow({
  item,
  id,
  custodian,
  label,
  onDone,
  children,
}: {
  readonly item: ReviewCase;
  readonly id: string;
  readonly custodian: string;
  readonly label: string;
  readonly onDone: () => void;
  readonly children: ReactNode;
}): ReactNode {
  const review = useReview(id, custodian, onDone);
  const state = item.review?.outcome ?? review.result?.case.outcome ?? item.state;
  return (
    <tr className={state === 'overdue' ? 'flagged' : undefined}>
      <td>
        <Time iso={item.txTime} />
      </td>
      <td>
        <code>{item.actorDid}</code> ({item.actorMsp})
        {item.breakGlassReason === null ? null : <div>{item.breakGlassReason.replaceAll('_', ' ')}</div>}
      </td>
      {children}
      <td>
        <span className={`status ${state}`}>{state}</span>
      </td>
      <td>
        <Time iso={item.reviewDeadline} />
      </td>
      <td>
        <TxRef txId={item.txId} blockNumber={item.blockNumber} />
      </td>
      <td>
        {state === 'justified' || state === 'unjustified' ? (
          <span>reviewed</span>
        ) : (
          <div className="actions">
            <ActionButton busy={review.busy} kind="secondary" onClick={() => void review.run('justified')}>
              Justified<span className="sr-only"> ({label})</span>
            </ActionButton>
            <ActionButton busy={review.busy} kind="danger" onClick={() => void review.run('unjustified')}>
              Unjustified<span className="sr-only"> ({label})</span>
            </ActionButton>
            <Problem error={review.error} />
          </div>
        )}
      </td>
    </tr>
  );
}

/** One emergency access, who co-signed it (beyond the patient's profile), and its review. */
function BreakGlassRow({
  item,
  onDone,
}: {
  readonly item: BreakGlassCaseView;
  readonly onDone: () => void;
}): ReactNode {
  return (
    <CaseRow item={item} id={item.eventId} custodian={item.custodian} label={item.recordId} onDone={onDone}>
      <td>
        {item.coSignedBy === null ? (
          <span>none (one doctor)</span>
        ) : (
          <>
            <code>{item.coSignedBy}</code> ({item.coSignerMsp})
          </>
        )}
      </td>
      <td>
        <code>{item.recordId}</code> at {item.custodian}
      </td>
    </CaseRow>
  );
}

/** One doctor's emergency listing of a patient's records: what it opened, and its review. */
function EmergencyListingRow({
  item,
  onDone,
}: {
  readonly item: EmergencyListingView;
  readonly onDone: () => void;
}): ReactNode {
  return (
    <CaseRow
      item={item}
      id={item.listingId}
      custodian={item.actorMsp}
      label={`listing ${item.listingId.slice(0, 8)}`}
      onDone={onDone}
    >
      <td>{item.patientDid === null ? <span>not held here</span> : <code>{item.patientDid}</code>}</td>
      <td>{item.categories === null ? <span>not held here</span> : item.categories.join(', ')}</td>
    </CaseRow>
  );
}

function HeldRecords({
  report,
  canClear,
  onDone,
}: {
  readonly report: ComplianceReport;
  readonly canClear: boolean;
  readonly onDone: () => void;
}): ReactNode {
  const held = report.recordsHeldForReview;
  return (
    <section aria-labelledby="held-title" className="card">
      <h2 id="held-title">Held by the quality gate ({held.length})</h2>
      {held.length === 0 ? (
        <p>No record version is waiting for review.</p>
      ) : (
        <DataTable
          caption="Record versions anchored as needs review"
          columns={['Record', 'Version', 'Hospital', 'Anchored', 'On the ledger', { hidden: 'Actions' }]}
        >
          {held.map((h) => (
            <tr key={`${h.recordId}:${String(h.version)}`}>
              <td>
                <Link to="/staff/record" state={{ recordId: h.recordId }}>
                  {h.recordId}
                </Link>
              </td>
              <td>{h.version}</td>
              <td>{h.custodian}</td>
              <td>
                <Time iso={h.anchoredAt} />
              </td>
              <td>
                <TxRef txId={h.txId} blockNumber={h.blockNumber} />
              </td>
              <td>
                {canClear ? <ClearButton recordId={h.recordId} version={h.version} onDone={onDone} /> : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function BreakGlassList({
  report,
  onDone,
}: {
  readonly report: ComplianceReport;
  readonly onDone: () => void;
}): ReactNode {
  const open = report.breakGlass;
  return (
    <section aria-labelledby="bg-title" className="card">
      <h2 id="bg-title">Break-glass accesses ({open.length})</h2>
      {open.length === 0 ? (
        <p>No emergency access in the last 30 days.</p>
      ) : (
        <DataTable
          caption="Emergency accesses, overdue first"
          columns={[
            'When',
            'Who and why',
            'Co-signed by',
            'Record',
            'State',
            'Review by',
            'On the ledger',
            'Review',
          ]}
        >
          {open.map((b) => (
            <BreakGlassRow key={b.eventId} item={b} onDone={onDone} />
          ))}
        </DataTable>
      )}
    </section>
  );
}

function EmergencyListingList({
  report,
  onDone,
}: {
  readonly report: ComplianceReport;
  readonly onDone: () => void;
}): ReactNode {
  const listings = report.emergencyListings;
  return (
    <section aria-labelledby="listings-title" className="card">
      <h2 id="listings-title">Emergency listings ({listings.length})</h2>
      <p>
        A doctor listed a patient's records under the patient's emergency profile: the listing names the
        records in the categories shown, and is reviewed afterwards like a break-glass access.
      </p>
      {listings.length === 0 ? (
        <p>No emergency listing in the last 30 days.</p>
      ) : (
        <DataTable
          caption="Emergency listings, overdue first"
          columns={[
            'When',
            'Who and why',
            'Patient',
            'Categories opened',
            'State',
            'Review by',
            'On the ledger',
            'Review',
          ]}
        >
          {listings.map((l) => (
            <EmergencyListingRow key={l.listingId} item={l} onDone={onDone} />
          ))}
        </DataTable>
      )}
    </section>
  );
}

function ClearById(): ReactNode {
  const [recordId, setRecordId] = useState('');
  const [version, setVersion] = useState(1);
  const [done, setDone] = useState(false);
  return (
    <section aria-labelledby="clear-title" className="card">
      <h2 id="clear-title">Clear a held version</h2>
      <p>
        Your hospital's attendings and admins clear record versions the quality gate held, after checking
        them.
      </p>
      <div className="grid">
        <Field label="Record id">
          {(id) => (
            <input
              id={id}
              value={recordId}
              onChange={(e) => {
                setRecordId(e.target.value);
              }}
            />
          )}
        </Field>
        <Field label="Version">
          {(id) => (
            <input
              id={id}
              type="number"
              min={1}
              value={version}
              onChange={(e) => {
                setVersion(Number(e.target.value));
              }}
            />
          )}
        </Field>
      </div>
      {recordId.trim() === '' ? null : (
        <ClearButton
          recordId={recordId.trim()}
          version={version}
          onDone={() => {
            setDone(true);
          }}
        />
      )}
      {done ? <Done>Cleared.</Done> : null}
    </section>
  );
}

export function ReviewsPage(): ReactNode {
  const { who } = useSession();
  const withReport = seesReport(who);
  const { report, error, load } = useReport(withReport);
  const hospital = who.kind === 'staff' && who.orgKind === 'hospital';
  return (
    <div className="page">
      <PageHead title="Reviews">
        What waits for a person: record versions the quality gate held, and emergency accesses and emergency
        listings to review afterwards.
      </PageHead>
      <Problem error={error} />
      {withReport && report === undefined && error === undefined ? <Loading what="the review lists" /> : null}
      {report ? (
        <>
          <HeldRecords report={report} canClear={hospital} onDone={load} />
          <BreakGlassList report={report} onDone={load} />
          <EmergencyListingList report={report} onDone={load} />
        </>
      ) : null}
      {!withReport ? <ClearById /> : null}
    </div>
  );
}
