/**
 * Emergency access: whether staff may open the patient's records by break-glass when the patient
 * cannot consent. The choice is signed in this browser and relayed by the gateway
 * (`PUT /v1/patients/{did}/preferences`); the ledger keeps it under a digest of the DID. The API has
 * no read of it, so the page shows the rule when nothing was set and the answer of the last change.
 */
import type { ReactNode } from 'react';

import { signPreferences } from '../../../lib/patient-signer';
import type { PatientPreferences, Written } from '../../api-types';
import { ActionButton, Done, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';
import { NoKeyNotice } from './no-key-notice';
import { usePatientKey } from './use-patient-key';

export function EmergencyPage(): ReactNode {
  const { api, who } = useSession();
  const { key, error: keyError } = usePatientKey(who.did);
  const action = useAction(async (attempt, allow: boolean) => {
    if (!key) throw new Error('this browser holds no key of yours');
    const jws = await attempt.once(() => signPreferences(key, allow));
    return api.write<Written<{ preferences: PatientPreferences }>>(
      'PUT',
      `/v1/patients/${encodeURIComponent(who.did)}/preferences`,
      { jws },
      attempt.idempotencyKey,
    );
  });
  const answer = action.result?.preferences;
  return (
    <div className="page">
      <PageHead title="Emergency access">
        In an emergency (you are unconscious, or cannot be asked), staff may open your records without your
        consent: each such access is flagged, written to your access log and reviewed afterwards. Unless you
        choose otherwise, it is allowed.
      </PageHead>
      <Problem error={keyError} />
      <NoKeyNotice shown={key === null} />
      <section aria-labelledby="choice-title" className="card">
        <h2 id="choice-title">Your choice</h2>
        <div className="actions">
          <ActionButton busy={action.busy} disabled={!key} onClick={() => void action.run(true)}>
            Allow emergency access
          </ActionButton>
          <ActionButton
            busy={action.busy}
            disabled={!key}
            kind="danger"
            onClick={() => void action.run(false)}
          >
            Refuse emergency access
          </ActionButton>
        </div>
        <Problem error={action.error} />
        {answer === undefined ? null : (
          <Done>
            Emergency access now opens{' '}
            {answer.emergencyProfile.categories.length > 0
              ? answer.emergencyProfile.categories.join(', ')
              : 'nothing'}
            {answer.emergencyProfile.beyondProfile === 'co_signed'
              ? ' (more with a second attending’s co-signature)'
              : ''}
            , since <Time iso={answer.updatedAt} /> (transaction <TxRef txId={answer.txId} />
            ).
          </Done>
        )}
      </section>
    </div>
  );
}
