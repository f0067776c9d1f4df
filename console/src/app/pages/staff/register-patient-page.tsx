/**
 * Register a patient: staff relay the registration request the patient's own app (or this console's
 * patient view) made and signed; the hospital never sees or holds the patient's private key.
 */
import { useState, type ReactNode } from 'react';

import type { DidDocument, Written } from '../../api-types';
import { ActionButton, Done, Field, PageHead, Problem, readJsonFile, TxRef } from '../../components/ui';
import { useAction } from '../../hooks';
import { useSession } from '../../session';

interface Registration {
  readonly patientDid: string;
  readonly publicKeyJwk: unknown;
  readonly proof: string;
}

function registrationOf(value: unknown): Registration {
  const v = value as Partial<Record<keyof Registration, unknown>> | null;
  if (
    typeof v?.patientDid !== 'string' ||
    typeof v.proof !== 'string' ||
    typeof v.publicKeyJwk !== 'object'
  ) {
    throw new Error('this is not a registration request (it needs patientDid, publicKeyJwk and proof)');
  }
  return { patientDid: v.patientDid, publicKeyJwk: v.publicKeyJwk, proof: v.proof };
}

export function RegisterPatientPage(): ReactNode {
  const { api, gateway } = useSession();
  const [text, setText] = useState('');
  const action = useAction(async (attempt, body: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new Error('the request is not JSON');
    }
    const registration = registrationOf(parsed);
    return api.write<Written<{ didDocument: DidDocument }>>(
      'POST',
      '/v1/patients',
      registration,
      attempt.idempotencyKey,
    );
  });
  return (
    <div className="page">
      <PageHead title="Register a patient">
        The patient makes their key and a signed registration request on their own device, naming{' '}
        {gateway.mspId}. Paste or open it here; the ledger accepts it only if the patient's key signed it
        within the last 10 minutes.
      </PageHead>
      <section className="card" aria-labelledby="request-title">
        <h2 id="request-title">Registration request</h2>
        <Field label="Open the request file">
          {(id) => (
            <input
              id={id}
              type="file"
              accept="application/json,.json"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) {
                  readJsonFile(file).then(
                    (v) => {
                      setText(JSON.stringify(v, null, 2));
                    },
                    (err: unknown) => {
                      setText(String(err));
                    },
                  );
                }
              }}
            />
          )}
        </Field>
        <Field label="Or paste it (JSON)">
          {(id) => (
            <textarea
              id={id}
              className="code"
              rows={8}
              value={text}
              spellCheck={false}
              onChange={(e) => {
                setText(e.target.value);
              }}
            />
          )}
        </Field>
        <Problem error={action.error} />
        <ActionButton busy={action.busy} disabled={text.trim() === ''} onClick={() => void action.run(text)}>
          Register the patient
        </ActionButton>
        {action.result === undefined ? null : (
          <Done>
            Registered <code>{action.result.didDocument.id}</code> with key{' '}
            <code>{action.result.didDocument.medledger.currentKeyId}</code> (transaction{' '}
            <TxRef txId={action.result.txId} />
            ).
          </Done>
        )}
      </section>
    </div>
  );
}
