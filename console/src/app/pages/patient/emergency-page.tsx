/**
 * The emergency profile: which data categories break-glass opens on one doctor's word when the patient
 * cannot consent, and whether a second attending's co-signature may open more. Signed in this browser
 * and relayed by the gateway (`PUT /v1/patients/{did}/preferences`); the ledger keeps it under a digest
 * of the DID. The API has no read of it, so the page starts from the profile of a patient who never
 * signed one (the ledger's default) and shows the answer of the last change.
 */
import {
  BEYOND_PROFILE_RULES,
  DATA_CATEGORIES,
  DEFAULT_EMERGENCY_CATEGORIES,
} from '@medledger/domain/browser';
import { useState, type ReactNode, type SyntheticEvent } from 'react';

import { signEmergencyProfile, type EmergencyProfile } from '../../../lib/patient-signer';
import type { PatientPreferences, Written } from '../../api-types';
import { ActionButton, Done, PageHead, Problem, Time, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';
import { NoKeyNotice } from './no-key-notice';
import { usePatientKey } from './use-patient-key';

/** A category as a person reads it. */
export const categoryText = (category: string): string => category.replace(/_/g, ' ');

const BEYOND_TEXT: Readonly<Record<EmergencyProfile['beyondProfile'], string>> = {
  co_signed: 'a second attending of the same hospital may co-sign one more record at a time',
  never: 'nothing more, whoever asks',
};

/** What a signed profile opens, in one sentence. */
function profileText(profile: EmergencyProfile): string {
  const opens = profile.categories.length === 0 ? 'nothing' : profile.categories.map(categoryText).join(', ');
  return `break-glass opens ${opens}; beyond it, ${BEYOND_TEXT[profile.beyondProfile]}`;
}

export function EmergencyPage(): ReactNode {
  const { api, who } = useSession();
  const { key, error: keyError } = usePatientKey(who.did);
  const [categories, setCategories] = useState<string[]>([...DEFAULT_EMERGENCY_CATEGORIES]);
  const [beyond, setBeyond] = useState<EmergencyProfile['beyondProfile']>('co_signed');
  const action = useAction(async (attempt, profile: EmergencyProfile) => {
    if (!key) throw new Error('this browser holds no key of yours');
    const jws = await attempt.once(() => signEmergencyProfile(key, profile));
    return api.write<Written<{ preferences: PatientPreferences }>>(
      'PUT',
      `/v1/patients/${encodeURIComponent(who.did)}/preferences`,
      { jws },
      attempt.idempotencyKey,
    );
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void action.run({ categories: [...categories].sort(), beyondProfile: beyond });
  };
  const answer = action.result?.preferences;
  return (
    <div className="page">
      <PageHead title="Emergency profile">
        In an emergency (you are unconscious, or cannot be asked), a doctor may open the data you choose here
        without your consent. Each such access is flagged, written to your access log and reviewed afterwards.
        Until you sign a profile, the emergency minimum below applies.
      </PageHead>
      <Problem error={keyError} />
      <NoKeyNotice shown={key === null} />
      <form className="card" aria-labelledby="profile-title" onSubmit={submit}>
        <h2 id="profile-title">Your emergency profile</h2>
        <fieldset className="checks">
          <legend>What break-glass opens on one doctor’s word</legend>
          {DATA_CATEGORIES.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                checked={categories.includes(c)}
                onChange={(e) => {
                  setCategories(e.target.checked ? [...categories, c] : categories.filter((x) => x !== c));
                }}
              />{' '}
              {categoryText(c)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Beyond these</legend>
          {BEYOND_PROFILE_RULES.map((rule) => (
            <label key={rule} className="choice">
              <input
                type="radio"
                name="beyond-profile"
                checked={beyond === rule}
                onChange={() => {
                  setBeyond(rule);
                }}
              />{' '}
              {BEYOND_TEXT[rule]}
            </label>
          ))}
        </fieldset>
        <Problem error={action.error} />
        <ActionButton type="submit" busy={action.busy} disabled={!key}>
          Sign my emergency profile
        </ActionButton>
        {answer === undefined ? null : (
          <Done>
            Signed: {profileText(answer.emergencyProfile)}. On the ledger since{' '}
            <Time iso={answer.updatedAt} /> (transaction <TxRef txId={answer.txId} />
            ).
          </Done>
        )}
      </form>
    </div>
  );
}
