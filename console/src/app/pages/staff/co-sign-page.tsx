/**
 * Co-signed break-glass (docs/emergency-profile.md): a colleague's emergency access beyond the
 * patient's emergency profile was denied `CO_SIGNATURE_REQUIRED`, leaving a request under that
 * decision's access id. A second attending of the same hospital co-signs it here within 10 minutes
 * (`POST /v1/break-glass/{id}/co-sign`); the access is decided again for the requester, and both are
 * reviewed afterwards on the Reviews page.
 */
import { useState, type ReactNode, type SyntheticEvent } from 'react';

import type { AccessDecision, Written } from '../../api-types';
import { ActionButton, Field, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

export function CoSignPage(): ReactNode {
  const { api, gateway } = useSession();
  const [requestId, setRequestId] = useState('');
  const [custodian, setCustodian] = useState('');
  const action = useAction(async (attempt, id: string, heldBy: string) =>
    api.write<Written<{ decision: AccessDecision }>>(
      'POST',
      `/v1/break-glass/${encodeURIComponent(id)}/co-sign`,
      heldBy === '' ? {} : { custodian: heldBy },
      attempt.idempotencyKey,
    ),
  );
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void action.run(requestId.trim(), custodian.trim());
  };
  const decision = action.result?.decision;
  return (
    <div className="page">
      <PageHead title="Co-sign break-glass">
        A colleague at the bedside needs a record beyond the patient’s emergency profile. As a second
        attending of {gateway.mspId} you may co-sign their request once, within 10 minutes of it; the access
        is theirs, not yours, and both of you are reviewed afterwards.
      </PageHead>
      <form className="card" aria-labelledby="cosign-title" onSubmit={submit}>
        <h2 id="cosign-title">The request</h2>
        <div className="grid">
          <Field
            label="Request id"
            hint="The access id your colleague’s page shows with CO_SIGNATURE_REQUIRED."
          >
            {(id, hint) => (
              <input
                id={id}
                aria-describedby={hint}
                value={requestId}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => {
                  setRequestId(e.target.value);
                }}
              />
            )}
          </Field>
          <Field label="Held by (MSP ID)" hint="The hospital keeping the record; empty: yours.">
            {(id, hint) => (
              <input
                id={id}
                aria-describedby={hint}
                value={custodian}
                onChange={(e) => {
                  setCustodian(e.target.value);
                }}
              />
            )}
          </Field>
        </div>
        <Problem error={action.error} />
        <ActionButton type="submit" busy={action.busy} disabled={requestId.trim() === ''}>
          Co-sign the request
        </ActionButton>
      </form>
      {decision === undefined ? null : (
        <div className={decision.outcome === 'granted' ? 'done' : 'problem'} role="status">
          Co-signed: access <strong>{decision.outcome}</strong> to your colleague ({decision.reason}
          {decision.expiresAt ? (
            <>
              , until <Time iso={decision.expiresAt} />
            </>
          ) : null}
          ). They read with access id <code className="wrap">{decision.accessId}</code> (transaction{' '}
          <TxRef txId={action.result?.txId ?? ''} />
          ).
        </div>
      )}
    </div>
  );
}
