/**
 * Consents: the patient's consents as the ledger holds them, one-click grants of common scopes, a
 * grant of any scope, and revocation. Every grant and revocation is signed in this browser with the
 * patient's key; the gateway only relays it and the chaincode verifies it.
 */
import { DATA_CATEGORIES, LEVELS, PURPOSES } from '@medledger/domain/browser';
import { useCallback, useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { Link } from 'react-router';

import { signConsentGrant, signConsentRevocation, type ConsentScope } from '../../../lib/patient-signer';
import type { Consent, LedgerPage, Written } from '../../api-types';
import {
  ActionButton,
  DataTable,
  Done,
  Field,
  Loading,
  PageHead,
  Problem,
  Time,
  TxRef,
} from '../../components/ui';
import { useAction } from '../../hooks';
import type { StoredKey } from '../../key-store';
import { useSession } from '../../session';
import { usePatientKey } from './use-patient-key';

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

function granteeText(grantee: Consent['grantee']): string {
  switch (grantee.kind) {
    case 'org':
      return grantee.mspId;
    case 'staff':
      return grantee.did;
    case 'study':
      return `study ${grantee.studyId}`;
  }
}

function useConsents(did: string) {
  const { api } = useSession();
  const [consents, setConsents] = useState<Consent[] | undefined>(undefined);
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
            setError(undefined);
            setConsents((prev) => (from === '' ? page.items : [...(prev ?? []), ...page.items]));
            setBookmark(page.bookmark);
          },
          (err: unknown) => {
            setError(err);
          },
        );
    },
    [api, did],
  );
  useEffect(() => {
    load();
  }, [load]);
  return { consents, bookmark, error, load };
}

function GrantForm({
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
    const answer = await api.write<Written<{ consent: Consent }>>(
      'POST',
      '/v1/consents',
      { jws },
      attempt.idempotencyKey,
    );
    onGranted();
    return answer;
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
        <label>
          <input
            type="radio"
            name="grantee-kind"
            checked={granteeKind === 'org'}
            onChange={() => {
              setGranteeKind('org');
            }}
          />{' '}
          a hospital or institute
        </label>
        <label>
          <input
            type="radio"
            name="grantee-kind"
            checked={granteeKind === 'study'}
            onChange={() => {
              setGranteeKind('study');
            }}
          />{' '}
          a research study
        </label>
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
          Granted to {granteeText(action.result.consent.grantee)} until{' '}
          <Time iso={action.result.consent.periodEnd} /> (transaction <TxRef txId={action.result.txId} />
          ).
        </Done>
      )}
    </section>
  );
}

function RevokeButton({
  stored,
  consent,
  onRevoked,
}: {
  readonly stored: StoredKey;
  readonly consent: Consent;
  readonly onRevoked: () => void;
}): ReactNode {
  const { api } = useSession();
  const action = useAction(async (attempt) => {
    const jws = await attempt.once(() => signConsentRevocation(stored, consent.consentId));
    const answer = await api.write<Written<{ consent: Consent }>>(
      'POST',
      `/v1/consents/${consent.consentId}/revoke`,
      { jws },
      attempt.idempotencyKey,
    );
    onRevoked();
    return answer;
  });
  return (
    <>
      <ActionButton busy={action.busy} kind="danger" onClick={() => void action.run()}>
        Revoke<span className="sr-only"> the consent for {granteeText(consent.grantee)}</span>
      </ActionButton>
      <Problem error={action.error} />
    </>
  );
}

function ConsentTable({
  consents,
  stored,
  onChange,
}: {
  readonly consents: readonly Consent[];
  readonly stored: StoredKey | null;
  readonly onChange: () => void;
}): ReactNode {
  if (consents.length === 0) return <p>You have granted no consents yet.</p>;
  return (
    <DataTable
      caption="Your consents, newest first"
      columns={['Granted to', 'Data', 'Purpose', 'Until', 'Status', 'On the ledger', { hidden: 'Actions' }]}
    >
      {consents.map((c) => (
        <tr key={c.consentId}>
          <td>{granteeText(c.grantee)}</td>
          <td>
            {c.categories.join(', ')} (level ≤ {c.maxLevel})
          </td>
          <td>{c.purpose}</td>
          <td>
            <Time iso={c.periodEnd} />
          </td>
          <td>
            <span className={`status ${c.status}`}>{c.status}</span>
          </td>
          <td>
            <TxRef txId={c.revokeTxId ?? c.grantTxId} />
          </td>
          <td>
            {c.status === 'active' && stored ? (
              <RevokeButton stored={stored} consent={c} onRevoked={onChange} />
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function ConsentsPage(): ReactNode {
  const { who } = useSession();
  const did = who.did;
  const { key, error: keyError } = usePatientKey(did);
  const { consents, bookmark, error, load } = useConsents(did);
  return (
    <div className="page">
      <PageHead title="Consents">
        Who may read your records, for what and until when. Grants and revocations are signed by your key in
        this browser; a revocation takes effect as soon as it is on the ledger.
      </PageHead>
      <Problem error={keyError ?? error} />
      {key === null ? (
        <p className="card attention">
          This browser holds no key of yours, so it cannot sign.{' '}
          <Link to="/patient/key">Create or import your key</Link>.
        </p>
      ) : null}
      {key ? <GrantForm stored={key} onGranted={load} /> : null}
      <section aria-labelledby="list-title" className="card">
        <h2 id="list-title">Your consents</h2>
        {consents === undefined ? (
          <Loading what="your consents" />
        ) : (
          <ConsentTable consents={consents} stored={key ?? null} onChange={load} />
        )}
        {bookmark === '' ? null : (
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              load(bookmark);
            }}
          >
            Older consents
          </button>
        )}
      </section>
    </div>
  );
}
