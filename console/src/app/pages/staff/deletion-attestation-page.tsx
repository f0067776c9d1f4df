/**
 * Deletion attestation (docs/use-limited-consents.md): a grantee that kept copies of what it read under
 * a use-limited consent attests, by the consent's keep-until date, that every copy is deleted
 * (`POST /v1/consents/{id}/deletion-attestations`): on the ledger, once, `late` after the date. Only
 * the consent's grantee org may attest. The page lists what the org still owes
 * (`GET /v1/deletion-attestations/owed`, overdue first) to pick from; a consent id can still be typed.
 */
import { useEffect, useState, type ReactNode, type SyntheticEvent } from 'react';

import type { DeletionAttestation, OwedAttestations, Written } from '../../api-types';
import { ActionButton, DataTable, Field, Loading, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

/** The org's owed list, read again after each attestation (`generation`). */
function useOwed(generation: number): { owed: OwedAttestations | undefined; error: unknown } {
  const { api } = useSession();
  const [owed, setOwed] = useState<OwedAttestations | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let live = true;
    api.get<OwedAttestations>('/v1/deletion-attestations/owed').then(
      (list) => {
        if (!live) return;
        setError(undefined);
        setOwed(list);
      },
      (err: unknown) => {
        if (live) setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [api, generation]);
  return { owed, error };
}

/** The owed list as a table; `onPick` fills the form with a consent. */
function OwedTable({
  owed,
  onPick,
}: {
  readonly owed: OwedAttestations | undefined;
  readonly onPick: (consentId: string) => void;
}): ReactNode {
  if (owed === undefined) return <Loading what="what your organization owes" />;
  if (owed.items.length === 0) return <p>Nothing owed: every consent read under is attested or not due.</p>;
  return (
    <DataTable
      caption="Attestations owed, overdue first"
      columns={['Consent', 'Delete by', 'Reads', 'State', { hidden: 'Pick' }]}
    >
      {owed.items.map((o) => (
        <tr key={o.consentId} className={o.overdue ? 'flagged' : undefined}>
          <td>
            <code title={o.consentId}>{o.consentId.slice(0, 12)}…</code>
          </td>
          <td>
            <Time iso={o.keepUntil} />
          </td>
          <td>{o.reads}</td>
          <td>
            {o.overdue ? (
              <span className="status denied">overdue {o.overdueHours} h</span>
            ) : (
              <span className="status">due</span>
            )}
          </td>
          <td>
            <button
              type="button"
              className="button secondary"
              aria-label={`Pick consent ${o.consentId}`}
              onClick={() => {
                onPick(o.consentId);
              }}
            >
              Pick
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function DeletionAttestationPage(): ReactNode {
  const { api, gateway } = useSession();
  const [consentId, setConsentId] = useState('');
  const [generation, setGeneration] = useState(0);
  const { owed, error: owedError } = useOwed(generation);
  const action = useAction(async (attempt, id: string) => {
    const written = await api.write<Written<{ attestation: DeletionAttestation }>>(
      'POST',
      `/v1/consents/${encodeURIComponent(id)}/deletion-attestations`,
      {},
      attempt.idempotencyKey,
    );
    setGeneration((g) => g + 1);
    return written;
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void action.run(consentId.trim());
  };
  const attestation = action.result?.attestation;
  return (
    <div className="page">
      <PageHead title="Attest deletion">
        When a patient’s consent limits how long {gateway.mspId} may keep what it read, attest here, by that
        date, that every copy made under it (content read, datasets exported) is deleted. The attestation is
        on the ledger for the patient and the regulator; a missing one turns overdue in the compliance report.
      </PageHead>
      <section className="card" aria-labelledby="owed-title">
        <h2 id="owed-title">What {gateway.mspId} owes</h2>
        <p className="muted">
          Consents your organization read under whose keep-until date asks for an attestation not filed yet.
        </p>
        <Problem error={owedError} />
        {owedError === undefined ? (
          <OwedTable
            owed={owed}
            onPick={(id) => {
              setConsentId(id);
            }}
          />
        ) : null}
        {owed?.truncated === true ? <p>More than one list holds: the oldest deadlines are shown.</p> : null}
      </section>
      <form className="card" aria-labelledby="attest-title" onSubmit={submit}>
        <h2 id="attest-title">The consent</h2>
        <Field
          label="Consent id"
          hint="Picked from the list above, or the consent your organization read under."
        >
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              value={consentId}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                setConsentId(e.target.value);
              }}
            />
          )}
        </Field>
        <Problem error={action.error} />
        <ActionButton type="submit" busy={action.busy} kind="danger" disabled={consentId.trim() === ''}>
          Attest every copy deleted
        </ActionButton>
      </form>
      {attestation === undefined ? null : (
        <div className="done" role="status">
          Attested for {attestation.granteeOrg} at <Time iso={attestation.attestedAt} />
          {attestation.keepUntil === null ? null : (
            <>
              {' '}
              (copies could be kept until <Time iso={attestation.keepUntil} />)
            </>
          )}
          {attestation.late ? ', late' : ', in time'}; transaction <TxRef txId={attestation.txId} />.
        </div>
      )}
    </div>
  );
}
