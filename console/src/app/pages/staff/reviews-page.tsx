/**
 * Reviews: record versions the quality gate held, and break-glass accesses awaiting their post-hoc
 * review, from the compliance report (hospital admins see their hospital's, regulator auditors all).
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

/**
 * One emergency access and its review. The write's answer gives the outcome at once; the list shows
 * it too once the projection has the review's event.
 */
function BreakGlassRow({
  item,
  onDone,
}: {
  readonly item: BreakGlassCaseView;
  readonly onDone: () => void;
}): ReactNode {
  const { api } = useSession();
  const action = useAction(async (attempt, outcome: 'justified' | 'unjustified') => {
    const answer = await api.write<Written<{ case: { outcome: string | null } }>>(
      'POST',
      `/v1/break-glass/${item.eventId}/review`,
      { outcome },
      attempt.idempotencyKey,
    );
    onDone();
    return answer;
  });
  const outcome = item.review?.outcome ?? action.result?.case.outcome ?? null;
  const state = outcome ?? item.state;
  return (
    <tr className={state === 'overdue' ? 'flagged' : undefined}>
      <td>
        <Time iso={item.txTime} />
      </td>
      <td>
        <code>{item.actorDid}</code> ({item.actorMsp})
      </td>
      <td>
        <code>{item.recordId}</code> at {item.custodian}
      </td>
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
        {outcome !== null ? (
          <span>reviewed</span>
        ) : (
          <div className="actions">
            <ActionButton busy={action.busy} kind="secondary" onClick={() => void action.run('justified')}>
              Justified<span className="sr-only"> ({item.recordId})</span>
            </ActionButton>
            <ActionButton busy={action.busy} kind="danger" onClick={() => void action.run('unjustified')}>
              Unjustified<span className="sr-only"> ({item.recordId})</span>
            </ActionButton>
            <Problem error={action.error} />
          </div>
        )}
      </td>
    </tr>
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
          columns={['When', 'Who', 'Record', 'State', 'Review by', 'On the ledger', 'Review']}
        >
          {open.map((b) => (
            <BreakGlassRow key={b.eventId} item={b} onDone={onDone} />
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
        What waits for a person: record versions the quality gate held, and emergency accesses to review
        afterwards.
      </PageHead>
      <Problem error={error} />
      {withReport && report === undefined && error === undefined ? <Loading what="the review lists" /> : null}
      {report ? (
        <>
          <HeldRecords report={report} canClear={hospital} onDone={load} />
          <BreakGlassList report={report} onDone={load} />
        </>
      ) : null}
      {!withReport ? <ClearById /> : null}
    </div>
  );
}
