/**
 * Erasure requests (GDPR Art. 17, PIPL Art. 47): the patient's records at every hospital (the audited
 * listing, `GET /v1/patients/{did}/records`, asked for with a request signed here), a signed request
 * that a hospital erase one of them (`POST /v1/patients/{did}/erasure-requests`), and where each
 * request stands (open, overdue, erased, refused with its legal reason), as the patient's access log
 * at this gateway reports them.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';

import { signAccessLogProof, signErasureRequest, signRecordsRequest } from '../../../lib/patient-signer';
import type { ErasureRequestState, ListedRecord, Written } from '../../api-types';
import { ErasureStatus } from '../../components/erasure-status';
import { ActionButton, DataTable, Done, Loading, PageHead, Problem, Time } from '../../components/ui';
import { useAction } from '../../hooks';
import type { StoredKey } from '../../key-store';
import { useSession } from '../../session';
import { categoryText } from './emergency-page';
import { NoKeyNotice } from './no-key-notice';
import { usePatientKey } from './use-patient-key';

/** The patient's erasure requests this gateway's org holds (read with the access-log proof). */
function useRequests(key: StoredKey | null | undefined) {
  const { api, gateway } = useSession();
  const [requests, setRequests] = useState<ErasureRequestState[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const load = useCallback(() => {
    if (!key) return;
    void signAccessLogProof(key, gateway.mspId)
      .then((proof) =>
        api.get<{ erasureRequests: ErasureRequestState[] }>(
          `/v1/patients/${encodeURIComponent(key.patientDid)}/access-log`,
          { query: { limit: 1 }, headers: { 'Medledger-Patient-Proof': proof } },
        ),
      )
      .then(
        (page) => {
          setError(undefined);
          setRequests(page.erasureRequests);
        },
        (err: unknown) => {
          setError(err);
        },
      );
  }, [api, gateway.mspId, key]);
  useEffect(load, [load]);
  return { requests, error, load };
}

function Requests({ requests }: { readonly requests: readonly ErasureRequestState[] }): ReactNode {
  if (requests.length === 0) return <p>You have asked no hospital to erase a record yet.</p>;
  return (
    <DataTable
      caption="Your erasure requests, oldest first"
      columns={['Record', 'Hospital', 'Asked', 'Answer due', 'Status']}
    >
      {requests.map((r) => (
        <tr key={r.requestId} className={r.status === 'overdue' ? 'flagged' : undefined}>
          <td>
            <code>{r.recordId}</code>
          </td>
          <td>{r.custodian}</td>
          <td>
            <Time iso={r.requestedAt} />
          </td>
          <td>
            <Time iso={r.dueAt} />
          </td>
          <td>
            <ErasureStatus request={r} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function Records({
  stored,
  records,
  onFiled,
}: {
  readonly stored: StoredKey;
  readonly records: readonly ListedRecord[];
  readonly onFiled: () => void;
}): ReactNode {
  const { api, gateway } = useSession();
  const file = useAction(async (attempt, record: { custodian: string; recordId: string }) => {
    const jws = await attempt.once(() => signErasureRequest(stored, record, gateway.mspId));
    const answer = await api.write<Written<{ request: ErasureRequestState }>>(
      'POST',
      `/v1/patients/${encodeURIComponent(stored.patientDid)}/erasure-requests`,
      { jws },
      attempt.idempotencyKey,
    );
    onFiled();
    return answer.request;
  });
  if (records.length === 0) return <p>No hospital keeps a record of yours.</p>;
  return (
    <>
      <DataTable
        caption="Your records at every hospital"
        columns={['Data', 'Hospital', 'Record', 'Anchored', 'State', { hidden: 'Actions' }]}
      >
        {records.map((r) => (
          <tr key={`${r.custodian}/${r.recordId}`}>
            <td>
              {categoryText(r.category)} <span className="muted">({r.fhirResourceType})</span>
            </td>
            <td>
              {r.custodian} <span className="muted">{r.department}</span>
            </td>
            <td>
              <code>{r.recordId}</code> <span className="muted">v{r.version}</span>
            </td>
            <td>
              <Time iso={r.anchoredAt} />
            </td>
            <td>{r.erased ? <span className="status erased">erased</span> : 'kept'}</td>
            <td>
              {r.erased ? null : (
                <ActionButton
                  busy={file.busy}
                  kind="danger"
                  onClick={() => void file.run({ custodian: r.custodian, recordId: r.recordId })}
                >
                  Ask to erase
                  <span className="sr-only">
                    {' '}
                    record {r.recordId} at {r.custodian}
                  </span>
                </ActionButton>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <Problem error={file.error} />
      {file.result === undefined ? null : (
        <Done>
          Asked {file.result.custodian} to erase <code>{file.result.recordId}</code>: it must erase it or give
          a legal reason by <Time iso={file.result.dueAt} />.
        </Done>
      )}
    </>
  );
}

export function ErasurePage(): ReactNode {
  const { api, who, gateway } = useSession();
  const { key, error: keyError } = usePatientKey(who.did);
  const { requests, error, load } = useRequests(key);
  const listing = useAction(async () => {
    if (!key) throw new Error('this browser holds no key of yours');
    const proof = await signRecordsRequest(key, 'list', gateway.mspId);
    return api.get<{ records: ListedRecord[] }>(`/v1/patients/${encodeURIComponent(who.did)}/records`, {
      headers: { 'Medledger-Patient-Proof': proof },
    });
  });
  return (
    <div className="page">
      <PageHead title="Erasure requests">
        You may ask a hospital to erase a record of yours. It must erase it, or refuse with a legal reason (a
        duty to keep medical records, a legal claim, public health), within 30 days; a request left unanswered
        shows as overdue here and in the regulator’s report.
      </PageHead>
      <Problem error={keyError ?? error} />
      <NoKeyNotice shown={key === null} />
      <section className="card" aria-labelledby="records-title">
        <h2 id="records-title">Your records</h2>
        <p>Listing signs a request with your key; the listing is written to the audit log.</p>
        <ActionButton busy={listing.busy} disabled={!key} kind="secondary" onClick={() => void listing.run()}>
          List my records at every hospital
        </ActionButton>
        <Problem error={listing.error} />
        {key && listing.result ? (
          <Records
            stored={key}
            records={listing.result.records}
            onFiled={() => {
              load();
            }}
          />
        ) : null}
      </section>
      <section className="card" aria-labelledby="requests-title">
        <h2 id="requests-title">Your requests</h2>
        {requests === undefined ? (
          key ? (
            <Loading what="your requests" />
          ) : null
        ) : (
          <Requests requests={requests} />
        )}
      </section>
    </div>
  );
}
