/**
 * My key: the patient's signing key is made here, in the browser (WebCrypto P-256, not extractable,
 * kept in IndexedDB), with a recovery key the patient saves offline; the registration request for a
 * hospital carries the proof of possession; a key from elsewhere can be imported, and a lost key
 * replaced with the recovery key.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';

import {
  generateRecoveryKey,
  generateSigningKey,
  importPrivateJwk,
  jwkThumbprint,
  privateJwkProblem,
  signKeyRecovery,
  signRegistration,
  type PrivateJwk,
} from '../../../lib/patient-signer';
import type { DidDocument, Written } from '../../api-types';
import {
  ActionButton,
  Done,
  downloadText,
  Field,
  FileField,
  PageHead,
  Problem,
  readJsonFile,
} from '../../components/ui';
import { useAction } from '../../hooks';
import { saveKey, type StoredKey } from '../../key-store';
import { useSession } from '../../session';
import { usePatientKey } from './use-patient-key';

type PatientWho = { readonly kind: 'patient'; readonly did: string; readonly registered: DidDocument | null };

function usePatientWho(): PatientWho {
  const { who } = useSession();
  if (who.kind !== 'patient') throw new Error('a patient page');
  return who;
}

const sameKey = (a: { x: string; y: string }, b: { x: string; y: string }): boolean =>
  a.x === b.x && a.y === b.y;

function currentKeyOf(doc: DidDocument | null) {
  const id = doc?.medledger.currentKeyId ?? null;
  return doc?.verificationMethod.find((m) => m.id === id) ?? null;
}

/** Where the patient stands: registered or not, and whether this browser holds the current key. */
function KeyStatus({
  doc,
  stored,
}: {
  readonly doc: DidDocument | null;
  readonly stored: StoredKey | null;
}): ReactNode {
  const current = currentKeyOf(doc);
  let keyLine: string;
  if (!stored) keyLine = 'This browser holds no key of yours yet.';
  else if (!current) keyLine = `This browser holds your key ${stored.kid} (not registered yet).`;
  else if (sameKey(current.publicKeyJwk, stored.publicJwk))
    keyLine = `This browser holds your current key, ${current.id}.`;
  else
    keyLine = `This browser holds ${stored.kid}, which is not your current key (${current.id}): import or recover it.`;
  return (
    <section aria-labelledby="status-title" className="card">
      <h2 id="status-title">Status</h2>
      <dl className="facts">
        <dt>Registered</dt>
        <dd>
          {doc
            ? `yes, ${String(doc.verificationMethod.length)} key(s) on record`
            : 'not yet: a hospital registers you'}
        </dd>
        <dt>This browser</dt>
        <dd>{keyLine}</dd>
      </dl>
    </section>
  );
}

/** A recovery key to save now: offered as a file, then forgotten. */
function SaveRecoveryKey({
  did,
  jwk,
  onSaved,
}: {
  readonly did: string;
  readonly jwk: PrivateJwk;
  readonly onSaved: () => void;
}): ReactNode {
  const [downloaded, setDownloaded] = useState(false);
  return (
    <section aria-labelledby="recovery-title" className="card attention">
      <h2 id="recovery-title">Save your recovery key now</h2>
      <p>
        If this browser loses your key, the recovery key is the only way to replace it. Save the file
        somewhere offline (a USB stick, a printed copy). The console forgets it as soon as you confirm; only
        its thumbprint is registered.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => {
            downloadText('medledger-recovery-key.json', JSON.stringify({ patientDid: did, ...jwk }, null, 2));
            setDownloaded(true);
          }}
        >
          Download the recovery key
        </button>
        <button type="button" className="button secondary" disabled={!downloaded} onClick={onSaved}>
          I saved it offline
        </button>
      </div>
    </section>
  );
}

function CreateKey({
  did,
  onCreated,
}: {
  readonly did: string;
  readonly onCreated: (recovery: PrivateJwk) => void;
}): ReactNode {
  const action = useAction(async () => {
    const key = await generateSigningKey();
    const recovery = await generateRecoveryKey();
    await saveKey({
      patientDid: did,
      kid: `${did}#key-1`,
      ...key,
      recoveryKeyThumbprint: await jwkThumbprint(recovery.publicJwk),
      createdAt: new Date().toISOString(),
    });
    onCreated(recovery.privateJwk);
    return true;
  });
  return (
    <section aria-labelledby="create-title" className="card">
      <h2 id="create-title">Create my key</h2>
      <p>
        Your signing key is made in this browser and can never be read out of it: it signs your consents and
        proofs, and only its public half goes to the ledger. A recovery key is made with it for you to keep
        offline.
      </p>
      <Problem error={action.error} />
      <ActionButton busy={action.busy} onClick={() => void action.run()}>
        Create my key
      </ActionButton>
    </section>
  );
}

/** The registration request a hospital relays: DID, public key, proof of possession. */
function RegistrationRequest({ stored }: { readonly stored: StoredKey }): ReactNode {
  const { gateway } = useSession();
  const [org, setOrg] = useState(gateway.mspId);
  const action = useAction(async () => {
    if (stored.recoveryKeyThumbprint === null)
      throw new Error('this key has no recovery key: create a new key');
    return JSON.stringify(
      await signRegistration(stored.patientDid, stored, stored.recoveryKeyThumbprint, org),
      null,
      2,
    );
  });
  return (
    <section aria-labelledby="register-title" className="card">
      <h2 id="register-title">Register at a hospital</h2>
      <p>
        A hospital registers you with a request signed by your key (valid for 10 minutes). Make it here and
        hand it to the hospital's registration desk; staff paste it into <em>Register a patient</em>.
      </p>
      <Field label="Hospital (MSP ID)" hint="The hospital that registers you; the proof names it.">
        {(id, hint) => (
          <input
            id={id}
            aria-describedby={hint}
            value={org}
            pattern="[A-Z][A-Za-z0-9]{0,31}MSP"
            onChange={(e) => {
              setOrg(e.target.value);
            }}
          />
        )}
      </Field>
      <Problem error={action.error} />
      <ActionButton busy={action.busy} onClick={() => void action.run()}>
        Make my registration request
      </ActionButton>
      {action.result === undefined ? null : (
        <>
          <Field label="Registration request (JSON)">
            {(id) => <textarea id={id} className="code" readOnly rows={8} value={action.result} />}
          </Field>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              downloadText('medledger-registration.json', action.result ?? '');
            }}
          >
            Download the request
          </button>
        </>
      )}
    </section>
  );
}

/** Imports a private key file (the command-line tool's, or this patient's key from another device). */
function ImportKey({
  did,
  doc,
  onDone,
}: {
  readonly did: string;
  readonly doc: DidDocument | null;
  readonly onDone: () => void;
}): ReactNode {
  const [file, setFile] = useState<File | null>(null);
  const current = currentKeyOf(doc);
  const action = useAction(async () => {
    if (!file) throw new Error('choose a key file');
    const jwk = await readJsonFile(file);
    const problem = privateJwkProblem(jwk);
    if (problem !== undefined) throw new Error(problem);
    const key = await importPrivateJwk(jwk as PrivateJwk);
    if (current && !sameKey(current.publicKeyJwk, key.publicJwk)) {
      throw new Error(`this is not your current key (${current.id})`);
    }
    await saveKey({
      patientDid: did,
      kid: current?.id ?? `${did}#key-1`,
      ...key,
      recoveryKeyThumbprint: null,
      createdAt: new Date().toISOString(),
    });
    onDone();
    return 'The key is kept in this browser (not extractable). Delete the file if you no longer need it.';
  });
  return (
    <section aria-labelledby="import-title" className="card">
      <h2 id="import-title">Use an existing key</h2>
      <p>A private key file (JWK) made by the command-line tool or saved from another device.</p>
      <FileField label="Private key file" accept="application/json,.json,.jwk" onFile={setFile} />
      <Problem error={action.error} />
      {action.result === undefined ? null : <Done>{action.result}</Done>}
      <ActionButton busy={action.busy} kind="secondary" disabled={!file} onClick={() => void action.run()}>
        Import the key
      </ActionButton>
    </section>
  );
}

/** Replaces a lost key: signed by the recovery key, names a new key and the next recovery key. */
function RecoverKey({
  did,
  onRecovered,
}: {
  readonly did: string;
  readonly onRecovered: (next: PrivateJwk) => void;
}): ReactNode {
  const { api } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const action = useAction(async (attempt) => {
    if (!file) throw new Error('choose your recovery key file');
    // A retry after a lost answer sends the same keys and signature (the first may have been written).
    const { replacement, next, jws } = await attempt.once(async () => {
      const jwk = await readJsonFile(file);
      const problem = privateJwkProblem(jwk);
      if (problem !== undefined) throw new Error(problem);
      const recovery = await importPrivateJwk(jwk as PrivateJwk);
      const made = { replacement: await generateSigningKey(), next: await generateRecoveryKey() };
      return {
        ...made,
        jws: await signKeyRecovery(did, recovery, made.replacement.publicJwk, made.next.publicJwk),
      };
    });
    const answer = await api.write<Written<{ didDocument: DidDocument }>>(
      'POST',
      `/v1/patients/${encodeURIComponent(did)}/keys/recovery`,
      { jws },
      attempt.idempotencyKey,
    );
    const kid = answer.didDocument.medledger.currentKeyId ?? `${did}#key-1`;
    await saveKey({
      patientDid: did,
      kid,
      ...replacement,
      recoveryKeyThumbprint: await jwkThumbprint(next.publicJwk),
      createdAt: new Date().toISOString(),
    });
    onRecovered(next.privateJwk);
    return `Your new key is ${kid} (transaction ${answer.txId.slice(0, 12)}…). The old key no longer signs for you.`;
  });
  return (
    <section aria-labelledby="recover-title" className="card">
      <h2 id="recover-title">Lost your key? Recover it</h2>
      <p>
        Your recovery key signs the change to a new key made here. The recovery key is then spent: save the
        next one the console makes.
      </p>
      <FileField label="Recovery key file" accept="application/json,.json,.jwk" onFile={setFile} />
      <Problem error={action.error} />
      {action.result === undefined ? null : <Done>{action.result}</Done>}
      <ActionButton busy={action.busy} kind="secondary" disabled={!file} onClick={() => void action.run()}>
        Recover my key
      </ActionButton>
    </section>
  );
}

export function KeyPage(): ReactNode {
  const who = usePatientWho();
  const { api } = useSession();
  const { key, error, reload } = usePatientKey(who.did);
  const [doc, setDoc] = useState<DidDocument | null>(who.registered);
  const [recovery, setRecovery] = useState<PrivateJwk | null>(null);
  const fetchDoc = useCallback(() => {
    api.get<DidDocument>(`/v1/dids/${encodeURIComponent(who.did)}`).then(setDoc, () => undefined);
  }, [api, who.did]);
  useEffect(fetchDoc, [fetchDoc]);
  const refresh = () => {
    reload();
    fetchDoc();
  };
  return (
    <div className="page">
      <PageHead title="My key">
        Your DID is <code>{who.did}</code>. Your key stays in this browser; the ledger holds its public half.
      </PageHead>
      <Problem error={error} />
      {key === undefined ? null : <KeyStatus doc={doc} stored={key} />}
      {recovery === null ? null : (
        <SaveRecoveryKey
          did={who.did}
          jwk={recovery}
          onSaved={() => {
            setRecovery(null);
          }}
        />
      )}
      {key === null ? (
        <CreateKey
          did={who.did}
          onCreated={(r) => {
            setRecovery(r);
            reload();
          }}
        />
      ) : null}
      {key && recovery === null && !doc ? <RegistrationRequest stored={key} /> : null}
      <div className="two-columns">
        <ImportKey did={who.did} doc={doc} onDone={refresh} />
        {doc ? (
          <RecoverKey
            did={who.did}
            onRecovered={(next) => {
              setRecovery(next);
              refresh();
            }}
          />
        ) : null}
      </div>
    </div>
  );
}
