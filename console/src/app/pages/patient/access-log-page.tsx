/**
 * The access log: who read or was refused the patient's records, from which org, when, why and on
 * what basis (their hospital treating them, a consent, a study consent, break-glass and its review),
 * and every change of the patient's key. Each page is asked for with a fresh proof signed by the
 * patient's key in this browser (the `Medledger-Patient-Proof` header), as the gateway requires.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';

import { signAccessLogProof } from '../../../lib/patient-signer';
import type { AccessLogPage as LogPage } from '../../api-types';
import { DataTable, Loading, PageHead, Problem, Time, TxRef } from '../../components/ui';
import type { StoredKey } from '../../key-store';
import { useSession } from '../../session';
import { usePatientKey } from './use-patient-key';

const BASIS: Readonly<Record<LogPage['items'][number]['basis'], string>> = {
  custodian_treatment: 'their hospital treating you',
  consent: 'your consent',
  study_consent: 'your consent to a study',
  break_glass: 'emergency (break-glass)',
  none: 'none (refused)',
};

function useAccessLog(key: StoredKey | null | undefined) {
  const { api, gateway } = useSession();
  const [pages, setPages] = useState<LogPage[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    (cursor?: string): Promise<void> => {
      if (!key) return Promise.resolve();
      // A fresh proof for every page (its nonce is used once).
      return signAccessLogProof(key, gateway.mspId)
        .then((proof) =>
          api.get<LogPage>(`/v1/patients/${encodeURIComponent(key.patientDid)}/access-log`, {
            query: { limit: 50, cursor },
            headers: { 'Medledger-Patient-Proof': proof },
          }),
        )
        .then(
          (page) => {
            setError(undefined);
            setPages((prev) => (cursor === undefined ? [page] : [...prev, page]));
          },
          (err: unknown) => {
            setError(err);
          },
        );
    },
    [api, gateway.mspId, key],
  );
  const older = useCallback(
    (cursor: string) => {
      setBusy(true);
      void load(cursor).finally(() => {
        setBusy(false);
      });
    },
    [load],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return { pages, error, busy, older };
}

function Entries({ pages }: { readonly pages: readonly LogPage[] }): ReactNode {
  const items = pages.flatMap((p) => p.items);
  if (items.length === 0) return <p>No one has asked for your records yet.</p>;
  return (
    <DataTable
      caption="Accesses to your records, newest first"
      columns={['When', 'Who', 'Org', 'Record', 'Purpose', 'Outcome', 'Basis', 'On the ledger']}
    >
      {items.map((e) => (
        <tr key={e.eventId} className={e.breakGlass ? 'flagged' : undefined}>
          <td>
            <Time iso={e.time} />
          </td>
          <td>
            <code>{e.actorDid}</code>
            {e.actorRole === null ? null : <span className="muted"> ({e.actorRole})</span>}
          </td>
          <td>{e.actorOrg}</td>
          <td>
            <code>{e.recordId}</code> <span className="muted">at {e.custodian}</span>
          </td>
          <td>{e.purpose}</td>
          <td>
            <span className={`status ${e.outcome}`}>{e.outcome}</span>
            {e.outcome === 'denied' ? <span className="muted"> ({e.reason})</span> : null}
          </td>
          <td>
            {BASIS[e.basis]}
            {e.breakGlass ? (
              <span className="muted"> · review: {e.breakGlassReview?.outcome ?? 'pending'}</span>
            ) : null}
          </td>
          <td>
            <TxRef txId={e.txId} blockNumber={e.blockNumber} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function KeyChanges({ page }: { readonly page: LogPage }): ReactNode {
  return (
    <section aria-labelledby="keys-title" className="card">
      <h2 id="keys-title">Changes of your key</h2>
      <p>A change you did not make means someone else holds a key of yours: recover your key at once.</p>
      <DataTable
        caption="Your keys, newest first"
        columns={['When', 'Key', 'Change', 'Relayed by', 'On the ledger']}
      >
        {page.keyChanges.map((k) => (
          <tr key={k.txId}>
            <td>
              <Time iso={k.time} />
            </td>
            <td>
              <code>{k.keyId}</code>
            </td>
            <td>{k.change}</td>
            <td>{k.relayedBy}</td>
            <td>
              <TxRef txId={k.txId} blockNumber={k.blockNumber} />
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

export function AccessLogPage(): ReactNode {
  const { who } = useSession();
  const { key, error: keyError } = usePatientKey(who.did);
  const { pages, error, busy, older } = useAccessLog(key);
  const last = pages.at(-1);
  return (
    <div className="page">
      <PageHead title="Access log">
        Every decision on your records, granted or refused, as this hospital's copy of the audit log shows it.
        Each page is asked for with a proof signed by your key.
      </PageHead>
      <Problem error={keyError ?? error} />
      {key === null ? (
        <p className="card attention">
          Reading your log needs your key in this browser.{' '}
          <Link to="/patient/key">Create or import your key</Link>.
        </p>
      ) : null}
      {key && pages.length === 0 && error === undefined ? <Loading what="your access log" /> : null}
      {pages.length > 0 ? (
        <section aria-labelledby="log-title" className="card">
          <h2 id="log-title">Who accessed your records</h2>
          <Entries pages={pages} />
          {last?.nextCursor ? (
            <button
              type="button"
              className="button secondary"
              disabled={busy}
              onClick={() => {
                if (last.nextCursor) older(last.nextCursor);
              }}
            >
              Older entries
            </button>
          ) : null}
        </section>
      ) : null}
      {last ? <KeyChanges page={last} /> : null}
    </div>
  );
}
