/**
 * Consents: grants (see `grant-form.tsx`), the patient's consents and their revocation. The list joins
 * two sources: the consents this gateway's org holds for the patient (its sealed collection keeps
 * those granted to it), and the grants this browser keeps (encrypted) from the grants made here or
 * from receipt files. Revoking a consent takes the signed grant it revokes, from either source; on
 * another device the patient brings the grant receipt.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';

import { parseReceipt, termsOf, type GrantReceipt, type GrantTerms } from '../../../lib/grant-receipt';
import { signConsentRevocation } from '../../../lib/patient-signer';
import type { Consent, ConsentState, LedgerPage, Written } from '../../api-types';
import {
  ActionButton,
  DataTable,
  Done,
  FileField,
  Loading,
  PageHead,
  Problem,
  Time,
  TxRef,
} from '../../components/ui';
import { keepGrant, loadGrants } from '../../grant-store';
import { useAction } from '../../hooks';
import type { StoredKey } from '../../key-store';
import { useSession } from '../../session';
import { downloadReceipt, GrantForm, granteeText } from './grant-form';
import { NoKeyNotice } from './no-key-notice';
import { UseLimitsText } from './use-limits-text';
import { usePatientKey } from './use-patient-key';

/** One consent as the page shows it, from the gateway's org, this browser, or both. */
interface ConsentRow {
  readonly consentId: string;
  readonly terms: GrantTerms;
  readonly status: Consent['status'];
  readonly txId: string;
  /** Held by this gateway's org (its answer is the ledger's current state). */
  readonly heldHere: boolean;
  readonly kept: GrantReceipt | undefined;
  /** The signed grant, for a revocation. */
  readonly grantJws: string;
}

function rowsOf(held: readonly Consent[], kept: readonly GrantReceipt[]): ConsentRow[] {
  const rows = new Map<string, ConsentRow>();
  for (const k of kept) {
    const terms = termsOf(k.grantJws);
    const lapsed = k.status === 'active' && Date.parse(terms.periodEnd) <= Date.now();
    rows.set(k.consentId, {
      consentId: k.consentId,
      terms,
      status: lapsed ? 'expired' : k.status,
      txId: k.revokeTxId ?? k.grantTxId,
      heldHere: false,
      kept: k,
      grantJws: k.grantJws,
    });
  }
  for (const c of held) {
    rows.set(c.consentId, {
      consentId: c.consentId,
      terms: c,
      status: c.status,
      txId: c.revokeTxId ?? c.grantTxId,
      heldHere: true,
      kept: rows.get(c.consentId)?.kept,
      grantJws: c.jws,
    });
  }
  return [...rows.values()].sort((a, b) => b.terms.periodStart.localeCompare(a.terms.periodStart));
}

/** The consents this gateway's org holds for the patient and the grants this browser keeps. */
function useConsents(did: string) {
  const { api } = useSession();
  const [held, setHeld] = useState<Consent[] | undefined>(undefined);
  const [kept, setKept] = useState<GrantReceipt[] | undefined>(undefined);
  const [bookmark, setBookmark] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const load = useCallback(
    (from = '') => {
      api
        .get<LedgerPage<Consent>>(`/v1/patients/${encodeURIComponent(did)}/consents`, {
          query: { pageSize: 50, bookmark: from },
        })
        .then(
          (page) => {
            setHeld((prev) => (from === '' ? page.items : [...(prev ?? []), ...page.items]));
            setBookmark(page.bookmark);
          },
          (err: unknown) => {
            setError(err);
          },
        );
      loadGrants(did).then(setKept, (err: unknown) => {
        setError(err);
      });
    },
    [api, did],
  );
  useEffect(() => {
    load();
  }, [load]);
  const rows = held === undefined || kept === undefined ? undefined : rowsOf(held, kept);
  return { rows, bookmark, error, load };
}

function RevokeButton({
  stored,
  row,
  onRevoked,
}: {
  readonly stored: StoredKey;
  readonly row: ConsentRow;
  readonly onRevoked: () => void;
}): ReactNode {
  const { api } = useSession();
  const action = useAction(async (attempt) => {
    const jws = await attempt.once(() => signConsentRevocation(stored, row.consentId));
    const answer = await api.write<Written<{ consent: ConsentState }>>(
      'POST',
      `/v1/consents/${row.consentId}/revoke`,
      { jws, grantJws: row.grantJws },
      attempt.idempotencyKey,
    );
    if (row.kept) {
      const { status, revokeTxId } = answer.consent;
      await keepGrant(stored.patientDid, { ...row.kept, status, revokeTxId });
    }
    onRevoked();
    return answer;
  });
  return (
    <>
      <ActionButton busy={action.busy} kind="danger" onClick={() => void action.run()}>
        Revoke<span className="sr-only"> the consent for {granteeText(row.terms.grantee)}</span>
      </ActionButton>
      <Problem error={action.error} />
    </>
  );
}

function ConsentTable({
  rows,
  stored,
  org,
  onChange,
}: {
  readonly rows: readonly ConsentRow[];
  readonly stored: StoredKey | null;
  readonly org: string;
  readonly onChange: () => void;
}): ReactNode {
  if (rows.length === 0) {
    return <p>No consent of yours is held by {org} or kept in this browser.</p>;
  }
  return (
    <DataTable
      caption="Your consents, newest first"
      columns={[
        'Granted to',
        'Data',
        'Purpose',
        'Until',
        'Status',
        'Known from',
        'On the ledger',
        { hidden: 'Actions' },
      ]}
    >
      {rows.map((r) => (
        <tr key={r.consentId}>
          <td>{granteeText(r.terms.grantee)}</td>
          <td>
            {r.terms.categories.join(', ')} (level ≤ {r.terms.maxLevel})
            <UseLimitsText terms={r.terms} />
          </td>
          <td>{r.terms.purpose}</td>
          <td>
            <Time iso={r.terms.periodEnd} />
          </td>
          <td>
            <span className={`status ${r.status}`}>{r.status}</span>
          </td>
          <td>{[r.heldHere ? org : null, r.kept ? 'this browser' : null].filter(Boolean).join(', ')}</td>
          <td>
            <TxRef txId={r.txId} />
          </td>
          <td>
            <div className="actions">
              {r.status === 'active' && stored ? (
                <RevokeButton stored={stored} row={r} onRevoked={onChange} />
              ) : null}
              {r.kept ? (
                <ActionButton
                  busy={false}
                  kind="secondary"
                  onClick={() => {
                    downloadReceipt(r.kept);
                  }}
                >
                  Receipt<span className="sr-only"> of the consent for {granteeText(r.terms.grantee)}</span>
                </ActionButton>
              ) : null}
            </div>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Brings a grant receipt (saved on another device) into this browser, so its consent can be revoked. */
function ReceiptUpload({ did, onKept }: { readonly did: string; readonly onKept: () => void }): ReactNode {
  const [file, setFile] = useState<File | null>(null);
  const action = useAction(async (_attempt, picked: File) => {
    const receipt = parseReceipt(await picked.text(), did);
    await keepGrant(did, receipt);
    onKept();
    return termsOf(receipt.grantJws);
  });
  return (
    <section aria-labelledby="receipt-title" className="card">
      <h2 id="receipt-title">A grant made on another device</h2>
      <p>
        Revoking a consent takes the grant you signed. Grants made in this browser are kept here; for one made
        elsewhere, open its grant receipt file.
      </p>
      <FileField label="Grant receipt file" accept="application/json,.json" onFile={setFile} />
      <Problem error={action.error} />
      <ActionButton busy={action.busy} disabled={!file} onClick={() => file && void action.run(file)}>
        Keep this grant in this browser
      </ActionButton>
      {action.result === undefined ? null : (
        <Done>
          Kept the grant to {granteeText(action.result.grantee)} until <Time iso={action.result.periodEnd} />;
          it is listed below.
        </Done>
      )}
    </section>
  );
}

export function ConsentsPage(): ReactNode {
  const { who, gateway } = useSession();
  const did = who.did;
  const { key, error: keyError } = usePatientKey(did);
  const { rows, bookmark, error, load } = useConsents(did);
  return (
    <div className="page">
      <PageHead title="Consents">
        Who may read your records, for what and until when. Grants and revocations are signed by your key in
        this browser; a revocation takes effect as soon as it is on the ledger.
      </PageHead>
      <Problem error={keyError ?? error} />
      <NoKeyNotice shown={key === null} />
      {key ? <GrantForm stored={key} onGranted={load} /> : null}
      <section aria-labelledby="list-title" className="card">
        <h2 id="list-title">Your consents</h2>
        <p className="muted">
          Each hospital keeps the consents granted to it: this list shows those {gateway.mspId} holds and the
          grants kept in this browser.
        </p>
        {rows === undefined ? (
          <Loading what="your consents" />
        ) : (
          <ConsentTable rows={rows} stored={key ?? null} org={gateway.mspId} onChange={load} />
        )}
        {bookmark === '' ? null : (
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              load(bookmark);
            }}
          >
            More consents held by {gateway.mspId}
          </button>
        )}
      </section>
      <ReceiptUpload did={did} onKept={load} />
    </div>
  );
}
