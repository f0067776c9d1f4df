/**
 * Patients' erasure requests to this hospital (`GET /v1/erasure-requests`), overdue first, for its
 * admins: erase the record (every version not erased yet is purged, with a public erasure record) or
 * refuse with a coded legal reason (`POST /v1/erasure-requests/{id}/answer`). The patient is never
 * shown: the request names the record only.
 */
import { ERASURE_REFUSAL_REASONS } from '@medledger/domain/browser';
import { useCallback, useEffect, useState, type ReactNode } from 'react';

import type { ErasureRequestState, Written } from '../../api-types';
import { ErasureStatus } from '../../components/erasure-status';
import { ActionButton, DataTable, Field, Loading, PageHead, Problem, Time } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

const ORDER: Readonly<Record<ErasureRequestState['status'], number>> = {
  overdue: 0,
  open: 1,
  refused: 2,
  erased: 3,
};

function Answer({
  request,
  onAnswered,
}: {
  readonly request: ErasureRequestState;
  readonly onAnswered: () => void;
}): ReactNode {
  const { api } = useSession();
  const [refusal, setRefusal] = useState<string>(ERASURE_REFUSAL_REASONS[0]);
  const action = useAction(async (attempt, body: { answer: 'erased' | 'refused'; refusal?: string }) => {
    const answer = await api.write<Written<{ request: ErasureRequestState }>>(
      'POST',
      `/v1/erasure-requests/${encodeURIComponent(request.requestId)}/answer`,
      body,
      attempt.idempotencyKey,
    );
    onAnswered();
    return answer;
  });
  return (
    <div className="actions">
      <ActionButton busy={action.busy} kind="danger" onClick={() => void action.run({ answer: 'erased' })}>
        Erase<span className="sr-only"> record {request.recordId}</span>
      </ActionButton>
      <Field label={`Legal reason to refuse ${request.recordId}`}>
        {(id) => (
          <select
            id={id}
            value={refusal}
            onChange={(e) => {
              setRefusal(e.target.value);
            }}
          >
            {ERASURE_REFUSAL_REASONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        )}
      </Field>
      <ActionButton
        busy={action.busy}
        kind="secondary"
        onClick={() => void action.run({ answer: 'refused', refusal })}
      >
        Refuse<span className="sr-only"> to erase record {request.recordId}</span>
      </ActionButton>
      <Problem error={action.error} />
    </div>
  );
}

export function ErasureInboxPage(): ReactNode {
  const { api, gateway } = useSession();
  const [requests, setRequests] = useState<ErasureRequestState[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const load = useCallback(() => {
    api.get<{ items: ErasureRequestState[] }>('/v1/erasure-requests').then(
      (answer) => {
        setRequests([...answer.items].sort((a, b) => ORDER[a.status] - ORDER[b.status]));
      },
      (err: unknown) => {
        setError(err);
      },
    );
  }, [api]);
  useEffect(load, [load]);
  return (
    <div className="page">
      <PageHead title="Erasure inbox">
        Patients’ requests that {gateway.mspId} erase a record it keeps. Answer each within 30 days: erase it,
        or refuse with the legal reason that obliges you to keep it. Unanswered requests turn overdue in the
        regulator’s report.
      </PageHead>
      <Problem error={error} />
      {requests === undefined ? (
        error === undefined ? (
          <Loading what="the requests" />
        ) : null
      ) : requests.length === 0 ? (
        <p className="card">No patient has asked {gateway.mspId} to erase a record.</p>
      ) : (
        <section className="card" aria-labelledby="inbox-title">
          <h2 id="inbox-title">Requests, overdue first</h2>
          <DataTable
            caption="Erasure requests"
            hiddenCaption
            columns={['Record', 'Asked', 'Due', 'Status', 'Answer']}
          >
            {requests.map((r) => (
              <tr key={r.requestId} className={r.status === 'overdue' ? 'flagged' : undefined}>
                <td>
                  <code>{r.recordId}</code>
                </td>
                <td>
                  <Time iso={r.requestedAt} />
                </td>
                <td>
                  <Time iso={r.dueAt} />
                </td>
                <td>
                  <ErasureStatus request={r} codes />
                </td>
                <td>
                  {r.status === 'open' || r.status === 'overdue' ? (
                    <Answer request={r} onAnswered={load} />
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
    </div>
  );
}
