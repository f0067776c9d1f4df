/**
 * Granting consent: one-click grants from the consortium's consent templates (the gateway expands a
 * template into the payload, this browser reads it and signs it) and a grant of any scope, each with
 * optional use limits (how many reads, until when copies may be kept), signed with the patient's key. The gateway relays the signed grant; the grantee org's peer keeps
 * it, and so does the patient (encrypted in this browser, and as a receipt file), since revoking it
 * takes the signed grant.
 */
import { DATA_CATEGORIES, LEVELS, PURPOSES } from '@medledger/domain/browser';
import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';

import { receiptFile, termsOf, type GrantReceipt, type GrantTerms } from '../../../lib/grant-receipt';
import {
  signConsentGrant,
  signExpandedGrant,
  type ConsentScope,
  type UseLimits,
} from '../../../lib/patient-signer';
import { isoOfLocal } from '../../../lib/time';
import { newIdempotencyKey } from '../../api';
import type { ConsentState, Written } from '../../api-types';
import { ActionButton, Done, downloadText, Field, Problem, Time, TxRef } from '../../components/ui';
import { keepGrant } from '../../grant-store';
import { useAction } from '../../hooks';
import type { StoredKey } from '../../key-store';
import { useSession } from '../../session';
import { UseLimitsText } from './use-limits-text';

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

/** A consent template as `GET /v1/consent-templates` lists it. */
interface Template {
  readonly templateId: string;
  readonly title: string;
  readonly description: string;
  readonly typ: string;
}

/** The templates that grant to each kind of grantee, and the parameters naming the grantee. */
const TEMPLATE_FOR: Readonly<Record<'org' | 'study', { id: string; params: (id: string) => object }>> = {
  org: { id: 'treatment-at-org', params: (org) => ({ org }) },
  study: { id: 'study-until-year-end', params: (studyId) => ({ studyId }) },
};

/** The consent templates the gateway offers (a grant in one step). */
function useTemplates() {
  const { api } = useSession();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    api.get<{ items: Template[] }>('/v1/consent-templates').then(
      (answer) => {
        setTemplates(answer.items);
      },
      (err: unknown) => {
        setError(err);
      },
    );
  }, [api]);
  return { templates, error };
}

/** What to grant: a template by its id (the gateway expands it), or a scope the patient chose. */
type ScopeChoice =
  | { readonly template: string; readonly params: object }
  | { readonly custom: { categories: string[]; maxLevel: number; purpose: string; days: number } };

function scopeOf(
  choice: { custom: { categories: string[]; maxLevel: number; purpose: string; days: number } },
  now: Date,
): Omit<ConsentScope, 'grantee'> {
  const { categories, maxLevel, purpose, days } = choice.custom;
  return {
    categories,
    maxLevel,
    purpose,
    periodStart: now.toISOString(),
    periodEnd: new Date(now.getTime() + days * DAY_MS).toISOString(),
  };
}

/** The use limits as the form holds them: empty is no limit. */
interface LimitFields {
  readonly reads: string;
  readonly keepUntil: string;
}

function limitsOf(fields: LimitFields): UseLimits {
  const reads = Number(fields.reads);
  return {
    ...(fields.reads.trim() === '' ? {} : { maxReads: reads }),
    // Copies may be kept to the end of the chosen day (local time).
    ...(fields.keepUntil === '' ? {} : { keepUntil: isoOfLocal(`${fields.keepUntil}T23:59`) }),
  };
}

/** How often a grant may be used and how long copies may be kept (both optional). */
function UseLimitFields({
  value,
  onChange,
}: {
  readonly value: LimitFields;
  readonly onChange: (next: LimitFields) => void;
}): ReactNode {
  return (
    <fieldset className="grid">
      <legend>Use limits (optional, for every grant below)</legend>
      <Field label="Reads allowed" hint="How many accesses the grant gives in all; empty: no limit.">
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            type="number"
            min={1}
            max={10000}
            value={value.reads}
            onChange={(e) => {
              onChange({ ...value, reads: e.target.value });
            }}
          />
        )}
      </Field>
      <Field
        label="Keep copies until"
        hint="By then the grantee attests it deleted its copies; empty: no date."
      >
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            type="date"
            value={value.keepUntil}
            onChange={(e) => {
              onChange({ ...value, keepUntil: e.target.value });
            }}
          />
        )}
      </Field>
    </fieldset>
  );
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
  const { templates, error: templatesError } = useTemplates();
  const [limits, setLimits] = useState<LimitFields>({ reads: '', keepUntil: '' });
  const action = useAction(
    async (attempt, grantee: ConsentScope['grantee'], choice: ScopeChoice, use: UseLimits) => {
      const jws = await attempt.once(async () => {
        if ('custom' in choice) {
          return signConsentGrant(stored, { grantee, ...scopeOf(choice, new Date()), ...use });
        }
        // The gateway expands the template into the exact payload; this browser reads and signs it.
        const expanded = await api.write<{ payload: Record<string, unknown> }>(
          'POST',
          `/v1/patients/${encodeURIComponent(stored.patientDid)}/consent-payloads`,
          { templateId: choice.template, params: choice.params },
          newIdempotencyKey(),
        );
        return signExpandedGrant(stored, expanded.payload, use);
      });
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
    },
  );
  const grant = (choice: ScopeChoice) => {
    const id = granteeId.trim();
    void action.run(
      granteeKind === 'org' ? { kind: 'org', mspId: id } : { kind: 'study', studyId: id },
      choice,
      limitsOf(limits),
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
      <UseLimitFields value={limits} onChange={setLimits} />
      <div className="quick" role="group" aria-label="One-click grants from the consortium's templates">
        {templates
          .filter((t) => t.templateId === TEMPLATE_FOR[granteeKind].id)
          .map((t) => (
            <ActionButton
              key={t.templateId}
              busy={action.busy}
              disabled={!ready}
              onClick={() => {
                grant({ template: t.templateId, params: TEMPLATE_FOR[granteeKind].params(granteeId.trim()) });
              }}
            >
              Grant: {t.title}
            </ActionButton>
          ))}
      </div>
      <Problem error={templatesError} />
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
          Granted to {granteeText(action.result.grantee)} until <Time iso={action.result.consent.periodEnd} />
          <UseLimitsText terms={termsOf(action.result.receipt.grantJws)} /> (transaction{' '}
          <TxRef txId={action.result.txId} />
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
