/**
 * Granting consent: one-click grants of common scopes and a grant of any scope, signed in this
 * browser with the patient's key. The gateway relays the signed grant; the grantee org's peer keeps
 * it, and so does the patient (encrypted in this browser, and as a receipt file), since revoking it
 * takes the signed grant.
 */
import { DATA_CATEGORIES, LEVELS, PURPOSES } from '@medledger/domain/browser';
import { useState, type SyntheticEvent, type ReactNode } from 'react';

import { receiptFile, type GrantReceipt, type GrantTerms } from '../../../lib/grant-receipt';
import { signConsentGrant, type ConsentScope } from '../../../lib/patient-signer';
import type { ConsentState, Written } from '../../api-types';
import { ActionButton, Done, downloadText, Field, Problem, Time, TxRef } from '../../components/ui';
import { keepGrant } from '../../grant-store';
import { useAction } from '../../hooks';
import type { StoredKey } from '../../key-store';
import { useSession } from '../../session';

/** Who a grant is to, as a person reads it. */
export function granteeText(grantee: GrantTerms['grantee']): string {
  switch (grantee.kind) {
    case 'org':
      return grantee.mspId;
    case 'staff':
      return grantee.did;
    case 'study':
      return `study ${grantee.studyId}`;
  }
}

/** Who a patient may grant to on this form, as the choice reads. */
const GRANTEE_KINDS = [
  ['org', 'a hospital or institute'],
  ['study', 'a research study'],
] as const;

/** Saves the receipt file of a grant. */
export function downloadReceipt(receipt: GrantReceipt | undefined): void {
  if (receipt === undefined) return;
  downloadText(`medledger-grant-${receipt.consentId.slice(0, 12)}.json`, receiptFile(receipt));
}

const DAY_MS = 86_400_000;
/** What a treating hospital usually needs: every category but genomic data, up to sensitive (3). */
const CLINICAL = DATA_CATEGORIES.filter((c) => c !== 'genomic');

/** A one-click grant: a common scope for the grantee the patient names. */
interface QuickGrant {
  readonly label: string;
  readonly grantee: 'org' | 'study';
  readonly scope: (now: Date) => Omit<ConsentScope, 'grantee'>;
}

const QUICK_GRANTS: readonly QuickGrant[] = [
  {
    label: 'Treatment for 30 days',
    grantee: 'org',
    scope: (now) => ({
      categories: CLINICAL,
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: now.toISOString(),
      periodEnd: new Date(now.getTime() + 30 * DAY_MS).toISOString(),
    }),
  },
  {
    label: 'One visit (24 hours)',
    grantee: 'org',
    scope: (now) => ({
      categories: CLINICAL,
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: now.toISOString(),
      periodEnd: new Date(now.getTime() + DAY_MS).toISOString(),
    }),
  },
  {
    label: 'A research study until the end of the year',
    grantee: 'study',
    scope: (now) => ({
      categories: ['diagnosis', 'lab', 'medication'],
      maxLevel: 3,
      purpose: 'research',
      periodStart: now.toISOString(),
      periodEnd: new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1)).toISOString(),
    }),
  },
];

/** What to grant: a one-click scope by its label, or a scope the patient chose. */
type ScopeChoice =
  | { readonly quick: string }
  | { readonly custom: { categories: string[]; maxLevel: number; purpose: string; days: number } };

function scopeOf(choice: ScopeChoice, now: Date): Omit<ConsentScope, 'grantee'> {
  if ('quick' in choice) {
    const quick = QUICK_GRANTS.find((q) => q.label === choice.quick);
    if (!quick) throw new Error(`no one-click grant ${choice.quick}`);
    return quick.scope(now);
  }
  const { categories, maxLevel, purpose, days } = choice.custom;
  return {
    categories,
    maxLevel,
    purpose,
    periodStart: now.toISOString(),
    periodEnd: new Date(now.getTime() + days * DAY_MS).toISOString(),
  };
}

/** The grant form: one-click scopes and any other scope, signed here; each grant is kept as a receipt. */
export function GrantForm({
  stored,
  onGranted,
}: {
  readonly stored: StoredKey;
  readonly onGranted: () => void;
}): ReactNode {
  const { api } = useSession();
  const [granteeKind, setGranteeKind] = useState<'org' | 'study'>('org');
  const [granteeId, setGranteeId] = useState('');
  const [custom, setCustom] = useState({
    categories: ['diagnosis'] as string[],
    maxLevel: 3,
    purpose: 'treatment',
    days: 30,
  });
  // The arguments say what to grant without a clock, so a retry is recognised as the same grant; the
  // period starts when the grant is first signed.
  const action = useAction(async (attempt, grantee: ConsentScope['grantee'], choice: ScopeChoice) => {
    const jws = await attempt.once(() =>
      signConsentGrant(stored, { grantee, ...scopeOf(choice, new Date()) }),
    );
    const answer = await api.write<Written<{ consent: ConsentState }>>(
      'POST',
      '/v1/consents',
      { jws },
      attempt.idempotencyKey,
    );
    const { consent } = answer;
    const receipt: GrantReceipt = {
      consentId: consent.consentId,
      grantJws: jws,
      granteeOrg: consent.granteeOrg,
      grantTxId: consent.grantTxId,
      status: consent.status,
      revokeTxId: consent.revokeTxId,
    };
    await keepGrant(stored.patientDid, receipt);
    onGranted();
    return { ...answer, receipt, grantee };
  });
  const grant = (choice: ScopeChoice) => {
    const id = granteeId.trim();
    void action.run(
      granteeKind === 'org' ? { kind: 'org', mspId: id } : { kind: 'study', studyId: id },
      choice,
    );
  };
  const submitCustom = (event: SyntheticEvent) => {
    event.preventDefault();
    grant({ custom });
  };
  const ready = granteeId.trim() !== '';
  return (
    <section aria-labelledby="grant-title" className="card">
      <h2 id="grant-title">Grant access</h2>
      <fieldset className="inline">
        <legend>Who</legend>
        {GRANTEE_KINDS.map(([kind, text]) => (
          <label key={kind}>
            <input
              type="radio"
              name="grantee-kind"
              checked={granteeKind === kind}
              onChange={() => {
                setGranteeKind(kind);
              }}
            />{' '}
            {text}
          </label>
        ))}
      </fieldset>
      <Field
        label={granteeKind === 'org' ? 'Organization (MSP ID)' : 'Study id'}
        hint={granteeKind === 'org' ? 'For example Hospital2MSP.' : undefined}
      >
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            value={granteeId}
            onChange={(e) => {
              setGranteeId(e.target.value);
            }}
          />
        )}
      </Field>
      <div className="quick" role="group" aria-label="One-click grants">
        {QUICK_GRANTS.filter((q) => q.grantee === granteeKind).map((q) => (
          <ActionButton
            key={q.label}
            busy={action.busy}
            disabled={!ready}
            onClick={() => {
              grant({ quick: q.label });
            }}
          >
            Grant: {q.label}
          </ActionButton>
        ))}
      </div>
      <details>
        <summary>Another scope</summary>
        <form onSubmit={submitCustom}>
          <fieldset className="checks">
            <legend>Data categories</legend>
            {DATA_CATEGORIES.map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  checked={custom.categories.includes(c)}
                  onChange={(e) => {
                    setCustom({
                      ...custom,
                      categories: e.target.checked
                        ? [...custom.categories, c]
                        : custom.categories.filter((x) => x !== c),
                    });
                  }}
                />{' '}
                {c}
              </label>
            ))}
          </fieldset>
          <Field label="Highest level">
            {(id) => (
              <select
                id={id}
                value={custom.maxLevel}
                onChange={(e) => {
                  setCustom({ ...custom, maxLevel: Number(e.target.value) });
                }}
              >
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Purpose">
            {(id) => (
              <select
                id={id}
                value={custom.purpose}
                onChange={(e) => {
                  setCustom({ ...custom, purpose: e.target.value });
                }}
              >
                {PURPOSES.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="For how many days">
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                max={3650}
                value={custom.days}
                onChange={(e) => {
                  setCustom({ ...custom, days: Number(e.target.value) });
                }}
              />
            )}
          </Field>
          <ActionButton type="submit" busy={action.busy} disabled={!ready || custom.categories.length === 0}>
            Sign and grant
          </ActionButton>
        </form>
      </details>
      <Problem error={action.error} />
      {action.result === undefined ? null : (
        <Done>
          Granted to {granteeText(action.result.grantee)} until <Time iso={action.result.consent.periodEnd} />{' '}
          (transaction <TxRef txId={action.result.txId} />
          ). The signed grant is kept in this browser, encrypted; keep its receipt too, to revoke it from
          another device.{' '}
          <ActionButton
            busy={false}
            kind="secondary"
            onClick={() => {
              downloadReceipt(action.result?.receipt);
            }}
          >
            Download the grant receipt
          </ActionButton>
        </Done>
      )}
    </section>
  );
}
