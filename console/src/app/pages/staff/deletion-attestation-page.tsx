/**
 * Deletion attestation (docs/use-limited-consents.md): a grantee that kept copies of what it read under
 * a use-limited consent attests, by the consent's keep-until date, that every copy is deleted
 * (`POST /v1/consents/{id}/deletion-attestations`): on the ledger, once, `late` after the date. Only
 * the consent's grantee org may attest.
 */
import { useState, type ReactNode, type SyntheticEvent } from 'react';

import type { DeletionAttestation, Written } from '../../api-types';
import { ActionButton, Field, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

export function DeletionAttestationPage(): ReactNode {
  const { api, gateway } = useSession();
  const [consentId, setConsentId] = useState('');
  const action = useAction(async (attempt, id: string) =>
    api.write<Written<{ attestation: DeletionAttestation }>>(
      'POST',
      `/v1/consents/${encodeURIComponent(id)}/deletion-attestations`,
      {},
      attempt.idempotencyKey,
    ),
  );
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
      <form className="card" aria-labelledby="attest-title" onSubmit={submit}>
        <h2 id="attest-title">The consent</h2>
        <Field label="Consent id" hint="The consent your organization read under.">
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
