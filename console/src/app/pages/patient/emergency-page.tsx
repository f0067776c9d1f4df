/**
 * The emergency profile: which data categories break-glass opens on one doctor's word when the patient
 * cannot consent, and whether a second attending's co-signature may open more. Signed in this browser
 * and relayed by the gateway (`PUT /v1/patients/{did}/preferences`); the ledger keeps it under a digest
 * of the DID. On opening, the page reads the current profile back (`GET /v1/patients/{did}/preferences`,
 * with a fresh proof of the key) and starts the form from it.
 */
import {
  BEYOND_PROFILE_RULES,
  DATA_CATEGORIES,
  DEFAULT_EMERGENCY_CATEGORIES,
} from '@medledger/domain/browser';
import { useEffect, useState, type ReactNode, type SyntheticEvent } from 'react';

import { signAccessLogProof, signEmergencyProfile, type EmergencyProfile } from '../../../lib/patient-signer';
import type { PatientPreferences, PatientPreferencesRead, Written } from '../../api-types';
import { ActionButton, Done, Loading, PageHead, Problem, Time, TxRef } from '../../components/ui';
import type { StoredKey } from '../../key-store';
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

/**
 * The profile on the ledger now, read once the key is loaded (the read needs a proof of it); `onRead`
 * gets it to start the form from.
 */
function useCurrentProfile(
  key: StoredKey | null | undefined,
  onRead: (read: PatientPreferencesRead) => void,
): { current: PatientPreferencesRead | undefined; error: unknown } {
  const { api, gateway } = useSession();
  const [current, setCurrent] = useState<PatientPreferencesRead | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    if (!key) return;
    let live = true;
    signAccessLogProof(key, gateway.mspId)
      .then((proof) =>
        api.get<PatientPreferencesRead>(`/v1/patients/${encodeURIComponent(key.patientDid)}/preferences`, {
          headers: { 'Medledger-Patient-Proof': proof },
        }),
      )
      .then(
        (read) => {
          if (!live) return;
          setCurrent(read);
          onRead(read);
        },
        (err: unknown) => {
          if (live) setError(err);
        },
      );
    return () => {
      live = false;
    };
    // onRead starts the form once per key: a new function on each render must not read again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, gateway.mspId, key]);
  return { current, error };
}

/** What the ledger holds now, in words. */
function CurrentProfile({ current }: { readonly current: PatientPreferencesRead | undefined }): ReactNode {
  if (current === undefined) return <Loading what="your current profile" />;
  if (current.signed === 'default' || current.updatedAt === null || current.txId === null) {
    return (
      <p data-testid="current-profile">
        You have not signed a profile: the emergency minimum applies ({profileText(current.emergencyProfile)}
        ).
      </p>
    );
  }
  return (
    <p data-testid="current-profile">
      Now on the ledger: {profileText(current.emergencyProfile)}
      {current.signed === 'yes_no' ? ' (from the yes/no you signed before profiles existed)' : ''}. Signed on{' '}
      <Time iso={current.updatedAt} /> (transaction <TxRef txId={current.txId} />
      ).
    </p>
  );
}

export function EmergencyPage(): ReactNode {
  const { api, who } = useSession();
  const { key, error: keyError } = usePatientKey(who.did);
  const [categories, setCategories] = useState<string[]>([...DEFAULT_EMERGENCY_CATEGORIES]);
  const [beyond, setBeyond] = useState<EmergencyProfile['beyondProfile']>('co_signed');
  const { current, error: readError } = useCurrentProfile(key, (read) => {
    setCategories([...read.emergencyProfile.categories]);
    setBeyond(read.emergencyProfile.beyondProfile);
  });
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
  // After a change, what the ledger holds is the answer of that change.
  const now: PatientPreferencesRead | undefined =
    answer === undefined ? current : { ...answer, signed: 'profile' };
  return (
    <div className="page">
      <PageHead title="Emergency profile">
        In an emergency (you are unconscious, or cannot be asked), a doctor may open the data you choose here
        without your consent. Each such access is flagged, written to your access log and reviewed afterwards.
        Until you sign a profile, the emergency minimum applies.
      </PageHead>
      <Problem error={keyError} />
      <NoKeyNotice shown={key === null} />
      {key ? (
        <section className="card" aria-labelledby="current-title">
          <h2 id="current-title">Your profile now</h2>
          <Problem error={readError} />
          {readError === undefined || answer !== undefined ? <CurrentProfile current={now} /> : null}
        </section>
      ) : null}
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
