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
 * A kind of case the page lists for review: its section (title, caption, what it says when empty),
 * the two columns only its cases have, and how one of its cases is named: its id, the org holding it
 * (where its review goes) and its name in the review buttons for screen readers (`label`).
 */
interface CaseKind<T extends ReviewCase> {
  readonly headingId: string;
  readonly title: string;
  readonly intro?: ReactNode;
  readonly none: string;
  readonly caption: string;
  readonly columns: readonly [string, string];
  readonly caseOf: (item: T) => { readonly id: string; readonly custodian: string; readonly label: string };
  /** The two cells of `columns`. */
  readonly cells: (item: T) => ReactNode;
}

/** An emergency access, and who co-signed it (beyond the patient's profile). */
const BREAK_GLASS: CaseKind<BreakGlassCaseView> = {
  headingId: 'bg-title',
  title: 'Break-glass accesses',
  none: 'No emergency access in the last 30 days.',
  caption: 'Emergency accesses, overdue first',
  columns: ['Co-signed by', 'Record'],
  caseOf: (item) => ({ id: item.eventId, custodian: item.custodian, label: item.recordId }),
  cells: (item) => (
    <>
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
    </>
  ),
};

/** One doctor's emergency listing of a patient's records, and what it opened. */
const EMERGENCY_LISTING: CaseKind<EmergencyListingView> = {
  headingId: 'listings-title',
  title: 'Emergency listings',
  intro: (
    <p>
      A doctor listed a patient's records under the patient's emergency profile: the listing names the records
      in the categories shown, and is reviewed afterwards like a break-glass access.
    </p>
  ),
  none: 'No emergency listing in the last 30 days.',
  caption: 'Emergency listings, overdue first',
  columns: ['Patient', 'Categories opened'],
  caseOf: (item) => ({
    id: item.listingId,
    custodian: item.actorMsp,
    label: `listing ${item.listingId.slice(0, 8)}`,
  }),
  cells: (item) => (
    <>
      <td>{item.patientDid === null ? <span>not held here</span> : <code>{item.patientDid}</code>}</td>
      <td>{item.categories === null ? <span>not held here</span> : item.categories.join(', ')}</td>
    </>
  ),
};

/**
 * One case's row, of either kind: when, who and why, the cells of its kind, its state, deadline,
 * ledger reference and review buttons.
 */
function CaseRow<T extends ReviewCase>({
  kind,
  item,
  onDone,
}: {
  readonly kind: CaseKind<T>;
  readonly item: T;
  readonly onDone: () => void;
}): ReactNode {
  const { id, custodian, label } = kind.caseOf(item);
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
      {kind.cells(item)}
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

/** The section of one kind of case: its cases in a table, overdue first, each with its review. */
function CaseList<T extends ReviewCase>({
  kind,
  items,
  onDone,
}: {
  readonly kind: CaseKind<T>;
  readonly items: readonly T[];
  readonly onDone: () => void;
}): ReactNode {
  return (
    <section aria-labelledby={kind.headingId} className="card">
      <h2 id={kind.headingId}>
        {kind.title} ({items.length})
      </h2>
      {kind.intro}
      {items.length === 0 ? (
        <p>{kind.none}</p>
      ) : (
        <DataTable
          caption={kind.caption}
          columns={['When', 'Who and why', ...kind.columns, 'State', 'Review by', 'On the ledger', 'Review']}
        >
          {items.map((item) => (
            <CaseRow key={kind.caseOf(item).id} kind={kind} item={item} onDone={onDone} />
          ))}
        </DataTable>
      )}
    </section>
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
          <CaseList kind={BREAK_GLASS} items={report.breakGlass} onDone={load} />
          <CaseList kind={EMERGENCY_LISTING} items={report.emergencyListings} onDone={load} />
        </>
      ) : null}
      {!withReport ? <ClearById /> : null}
    </div>
  );
}
