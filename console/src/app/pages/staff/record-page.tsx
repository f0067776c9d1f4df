/**
 * One record: its anchor and every version (history and erasures), verification of a copy against
 * the chain, an access request (granted or denied, always audited) and the content read with a
 * granted access, and clearing a version the quality gate held. Record ids are unique per custodian:
 * a record is looked up by its id and the hospital holding it (this gateway's org unless named). The
 * record id is typed or handed over by another page in the router's state, never put in the URL; the
 * anchor names no patient (the patient stays in the custodian's sealed collection), so an access
 * resting on a consent names the patient it asks about.
 */
import { BREAK_GLASS_REASONS, PURPOSES } from '@medledger/domain/browser';
import { useCallback, useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { useLocation } from 'react-router';

import type {
  AccessDecision,
  RecordAnchor,
  RecordContent,
  RecordHistory,
  VerifyRecordOutput,
  Written,
} from '../../api-types';
import {
  ActionButton,
  DataTable,
  Done,
  Field,
  FileField,
  PageHead,
  Problem,
  readJsonFile,
  Time,
  TxRef,
} from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

const recordPath = (id: string, rest = ''): string => `/v1/records/${encodeURIComponent(id)}${rest}`;

/** A record as looked up: its id and the hospital holding it. */
interface RecordRef {
  readonly recordId: string;
  readonly custodian: string;
}

function Versions({ history }: { readonly history: RecordHistory }): ReactNode {
  return (
    <>
      <DataTable
        caption={`Versions of ${history.recordId}, oldest first`}
        columns={['Version', 'Anchored', 'Category', 'Quality', 'Content hash', 'Author', 'On the ledger']}
      >
        {history.versions.map((v) => (
          <tr key={v.version}>
            <td>
              {v.version}
              {v.erased ? <span className="tag">erased</span> : null}
            </td>
            <td>
              <Time iso={v.txTime} />
            </td>
            <td>
              {v.category} ({v.fhirResourceType}, level {v.level})
            </td>
            <td>
              <span className={`status ${v.qualityStatus}`}>{v.qualityStatus}</span>
            </td>
            <td>
              <code title={v.contentHash}>{v.contentHash.slice(0, 16)}…</code>
            </td>
            <td>
              <code>{v.authorDid}</code>
            </td>
            <td>
              <TxRef txId={v.txId} />
            </td>
          </tr>
        ))}
      </DataTable>
      {history.erasures.length > 0 ? (
        <p>Erased: {history.erasures.map((e) => `version ${String(e.version)} (${e.reason})`).join(', ')}.</p>
      ) : null}
    </>
  );
}

/** Verifies a copy: the file holds the resource (and, if saved from this console, its salt). */
function VerifyCopy({ record }: { readonly record: RecordAnchor }): ReactNode {
  const { api } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [salt, setSalt] = useState('');
  const action = useAction(async (_attempt, picked: File, typedSalt: string) => {
    const value = (await readJsonFile(picked)) as Record<string, unknown>;
    const resource = (value['resource'] ?? value) as Record<string, unknown>;
    const fileSalt = typeof value['salt'] === 'string' ? value['salt'] : '';
    return api.write<VerifyRecordOutput>(
      'POST',
      recordPath(record.recordId, '/verify'),
      {
        custodian: record.custodian,
        version: record.version,
        resource,
        salt: typedSalt.trim() || fileSalt,
      },
      _attempt.idempotencyKey,
    );
  });
  return (
    <section aria-labelledby="verify-title" className="card">
      <h2 id="verify-title">Verify a copy</h2>
      <p>
        Checks that a copy of version {record.version} is exactly what was anchored (its salted hash on the
        chain), on your hospital&apos;s own peer: the copy and its salt go to no other org.
      </p>
      <FileField
        label="Copy of the content (FHIR JSON)"
        accept="application/json,application/fhir+json,.json"
        onFile={setFile}
      />
      <Field label="Salt" hint="From the answer of the anchoring (Download the salt).">
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            value={salt}
            spellCheck={false}
            onChange={(e) => {
              setSalt(e.target.value);
            }}
          />
        )}
      </Field>
      <Problem error={action.error} />
      <ActionButton busy={action.busy} disabled={!file} onClick={() => file && void action.run(file, salt)}>
        Verify against the chain
      </ActionButton>
      {action.result === undefined ? null : (
        <div className={action.result.matches ? 'done' : 'problem'} role="status">
          {action.result.matches
            ? `The copy matches version ${String(action.result.version)} on the chain.`
            : `The copy does NOT match version ${String(action.result.version)}: it differs from what was anchored (or the salt is wrong).`}
        </div>
      )}
    </section>
  );
}

/**
 * Break-glass beyond the patient's emergency profile: the request id a second attending of this
 * hospital co-signs (on their "Co-sign break-glass" page), and the read with the access their
 * co-signature granted to the requester.
 */
function CoSignedRead({
  requestId,
  busy,
  onRead,
}: {
  readonly requestId: string;
  readonly busy: boolean;
  readonly onRead: (accessId: string) => void;
}): ReactNode {
  const [accessId, setAccessId] = useState('');
  return (
    <div className="card attention">
      <p>
        This record is beyond the patient’s emergency profile. Ask a second attending of your hospital to
        co-sign request <code className="wrap">{requestId}</code> within 10 minutes; then read with the access
        their co-signature granted you.
      </p>
      <Field label="Access id from the co-signature">
        {(id) => (
          <input
            id={id}
            value={accessId}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setAccessId(e.target.value);
            }}
          />
        )}
      </Field>
      <ActionButton
        busy={busy}
        kind="secondary"
        disabled={accessId.trim() === ''}
        onClick={() => {
          onRead(accessId.trim());
        }}
      >
        Read with the co-signed access
      </ActionButton>
    </div>
  );
}

/** Asks for access (audited either way) and reads the content with a granted access. */
function AccessAndRead({ record }: { readonly record: RecordAnchor }): ReactNode {
  const { api } = useSession();
  const [purpose, setPurpose] = useState<string>('treatment');
  const [patientDid, setPatientDid] = useState('');
  const [reason, setReason] = useState<string>(BREAK_GLASS_REASONS[0]);
  const [studyId, setStudyId] = useState('');
  const access = useAction(async (attempt, body: Record<string, string>) =>
    api.write<Written<{ decision: AccessDecision }>>(
      'POST',
      recordPath(record.recordId, '/access'),
      body,
      attempt.idempotencyKey,
    ),
  );
  const read = useAction(async (_attempt, accessId: string) =>
    api.get<RecordContent>(recordPath(record.recordId, '/content'), {
      query: { accessId, custodian: record.custodian },
    }),
  );
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    read.reset();
    void access.run({
      purpose,
      custodian: record.custodian,
      ...(patientDid.trim() === '' ? {} : { patientDid: patientDid.trim() }),
      ...(purpose === 'emergency' ? { breakGlassReason: reason } : {}),
      ...(purpose === 'research' && studyId.trim() !== '' ? { studyId: studyId.trim() } : {}),
    });
  };
  const decision = access.result?.decision;
  return (
    <section aria-labelledby="access-title" className="card">
      <h2 id="access-title">Request access and read</h2>
      <p>Every request is decided on the ledger and written to the audit log, granted or refused.</p>
      <form onSubmit={submit}>
        <div className="grid">
          <Field label="Purpose">
            {(id) => (
              <select
                id={id}
                value={purpose}
                onChange={(e) => {
                  setPurpose(e.target.value);
                }}
              >
                {PURPOSES.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Patient DID"
            hint="When the access rests on the patient's consent to your hospital: the consents your hospital holds for this patient are presented."
          >
            {(id, hint) => (
              <input
                id={id}
                aria-describedby={hint}
                value={patientDid}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => {
                  setPatientDid(e.target.value);
                }}
              />
            )}
          </Field>
          {purpose === 'emergency' ? (
            <Field label="Emergency reason" hint="Break-glass: flagged and reviewed afterwards.">
              {(id, hint) => (
                <select
                  id={id}
                  aria-describedby={hint}
                  value={reason}
                  onChange={(e) => {
                    setReason(e.target.value);
                  }}
                >
                  {BREAK_GLASS_REASONS.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          {purpose === 'research' ? (
            <Field label="Study id">
              {(id) => (
                <input
                  id={id}
                  value={studyId}
                  onChange={(e) => {
                    setStudyId(e.target.value);
                  }}
                />
              )}
            </Field>
          ) : null}
        </div>
        <Problem error={access.error} />
        <ActionButton type="submit" busy={access.busy}>
          Request access
        </ActionButton>
      </form>
      {decision === undefined ? null : (
        <div className={decision.outcome === 'granted' ? 'done' : 'problem'} role="status">
          Access <strong>{decision.outcome}</strong> ({decision.reason}
          {decision.expiresAt ? (
            <>
              , until <Time iso={decision.expiresAt} />
            </>
          ) : null}
          ); audit event <TxRef txId={decision.accessId} />.
          {decision.outcome === 'granted' ? (
            <>
              {' '}
              <ActionButton
                busy={read.busy}
                kind="secondary"
                onClick={() => void read.run(decision.accessId)}
              >
                Read the content
              </ActionButton>
            </>
          ) : null}
        </div>
      )}
      {decision?.reason === 'CO_SIGNATURE_REQUIRED' ? (
        <CoSignedRead
          requestId={decision.accessId}
          onRead={(accessId) => void read.run(accessId)}
          busy={read.busy}
        />
      ) : null}
      <Problem error={read.error} />
      {read.result === undefined ? null : (
        <div className="content">
          <h3>
            Content of version {read.result.version}
            {read.result.deidentified ? ' (de-identified at the source)' : ''}
          </h3>
          <pre className="code" tabIndex={0} aria-label="FHIR resource">
            {JSON.stringify(read.result.resource, null, 2)}
          </pre>
        </div>
      )}
    </section>
  );
}

/** Clears the latest version when the quality gate held it (a custodian attending or admin). */
function QualityReview({
  record,
  onCleared,
}: {
  readonly record: RecordAnchor;
  readonly onCleared: () => void;
}): ReactNode {
  const { api } = useSession();
  const action = useAction(async (attempt) => {
    const answer = await api.write<Written<{ record: RecordAnchor }>>(
      'POST',
      recordPath(record.recordId, '/review'),
      { version: record.version },
      attempt.idempotencyKey,
    );
    onCleared();
    return answer;
  });
  if (record.qualityStatus !== 'needs_review') return null;
  return (
    <section aria-labelledby="review-title" className="card attention">
      <h2 id="review-title">Held by the quality gate</h2>
      <p>
        Version {record.version} was anchored as <em>needs review</em>:{' '}
        {record.qualityReasons.join(', ') || 'no reason given'}. An attending or admin of {record.custodian}{' '}
        clears it after checking the content.
      </p>
      <Problem error={action.error} />
      {action.result === undefined ? null : (
        <Done>
          Cleared (transaction <TxRef txId={action.result.txId} />
          ).
        </Done>
      )}
      <ActionButton busy={action.busy} onClick={() => void action.run()}>
        Clear version {record.version}
      </ActionButton>
    </section>
  );
}

function useRecord(ref: RecordRef | null) {
  const { api } = useSession();
  const [state, setState] = useState<{ record: RecordAnchor; history: RecordHistory } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const load = useCallback(() => {
    if (ref === null) return;
    const query = { custodian: ref.custodian };
    Promise.all([
      api.get<RecordAnchor>(recordPath(ref.recordId), { query }),
      api.get<RecordHistory>(recordPath(ref.recordId, '/history'), { query }),
    ]).then(
      ([record, history]) => {
        setError(undefined);
        setState({ record, history });
      },
      (err: unknown) => {
        setState(null);
        setError(err);
      },
    );
  }, [api, ref]);
  useEffect(load, [load]);
  return { state, error, load };
}

export function RecordPage(): ReactNode {
  const { gateway } = useSession();
  const location = useLocation();
  const handed = (location.state as { recordId?: unknown } | null)?.recordId;
  const [typed, setTyped] = useState(typeof handed === 'string' ? handed : '');
  const [custodian, setCustodian] = useState(gateway.mspId);
  const [ref, setRef] = useState<RecordRef | null>(
    typeof handed === 'string' ? { recordId: handed, custodian: gateway.mspId } : null,
  );
  const { state, error, load } = useRecord(ref);
  const own = state?.record.custodian === gateway.mspId;
  return (
    <div className="page">
      <PageHead title="Find a record">
        Metadata and versions are readable by every member; content only with an access decision.
      </PageHead>
      <form
        className="card search"
        onSubmit={(e) => {
          e.preventDefault();
          setRef({ recordId: typed.trim(), custodian: custodian.trim() || gateway.mspId });
        }}
      >
        <Field label="Record id">
          {(id) => (
            <input
              id={id}
              required
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
              }}
            />
          )}
        </Field>
        <Field
          label="Held by (MSP ID)"
          hint="The hospital keeping the record; yours unless you name another."
        >
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              required
              value={custodian}
              onChange={(e) => {
                setCustodian(e.target.value);
              }}
            />
          )}
        </Field>
        <button type="submit" className="button primary">
          Look up
        </button>
      </form>
      <Problem error={error} />
      {state ? (
        <>
          <section aria-labelledby="anchor-title" className="card">
            <h2 id="anchor-title">
              {state.record.recordId}, version {state.record.version}
            </h2>
            <dl className="facts">
              <dt>Held by</dt>
              <dd>
                {state.record.custodian}, {state.record.department}
              </dd>
              <dt>Data</dt>
              <dd>
                {state.record.category} ({state.record.fhirResourceType}), level {state.record.level}
              </dd>
              <dt>Quality</dt>
              <dd>
                <span className={`status ${state.record.qualityStatus}`}>{state.record.qualityStatus}</span>
              </dd>
            </dl>
            <Versions history={state.history} />
          </section>
          {own ? <QualityReview record={state.record} onCleared={load} /> : null}
          <div className="two-columns">
            <VerifyCopy record={state.record} />
            <AccessAndRead record={state.record} />
          </div>
        </>
      ) : null}
    </div>
  );
}
