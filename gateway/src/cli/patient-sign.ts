/**
 * How a patient app signs a consent grant: the patient's P-256 key stays on the patient's device; the
 * app sends only the compact JWS to `POST /v1/consents`. The gateway relays it and the chaincode
 * verifies it against the patient's DID document, so no one else can forge or replay it.
 *
 *   node gateway/dist/cli/patient-sign.js --key patient.jwk.json --did did:medledger:patient:<id> \
 *     --grantee-org Hospital2MSP --categories diagnosis,lab --purpose treatment --days 30
 *
 * `--new-key out.jwk.json` creates a key pair (prints the public JWK to register with POST /v1/patients).
 *
 * `--access-log-proof --aud Hospital1MSP` prints a proof of the patient's key for
 * `GET /v1/patients/{did}/access-log` at that org's gateway (send it in the `Medledger-Patient-Proof`
 * header with the patient token; valid `--ttl` seconds, at most 300, once):
 *
 *   node gateway/dist/cli/patient-sign.js --access-log-proof --aud Hospital1MSP --key patient.jwk.json \
 *     --did did:medledger:patient:<id> [--kid <did>#key-<n>] [--ttl 120]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { PATIENT_PROOF_MAX_LIFETIME_SECONDS, signPatientProof } from '../auth/patient-proof';
import {
  generatePatientKey,
  signPatientPayload,
  SIGNED_PAYLOAD_TYPES,
  type ConsentGrantPayload,
  type P256PrivateJwk,
} from '@medledger/domain';

function main(): void {
  const { values } = parseArgs({
    options: {
      'new-key': { type: 'string' },
      key: { type: 'string' },
      kid: { type: 'string' },
      did: { type: 'string' },
      'grantee-org': { type: 'string' },
      categories: { type: 'string', default: 'diagnosis' },
      'max-level': { type: 'string', default: '3' },
      purpose: { type: 'string', default: 'treatment' },
      days: { type: 'string', default: '30' },
      'access-log-proof': { type: 'boolean', default: false },
      aud: { type: 'string' },
      ttl: { type: 'string', default: '120' },
    },
  });
  if (values['new-key']) {
    const { publicJwk, privateJwk } = generatePatientKey();
    writeFileSync(values['new-key'], JSON.stringify(privateJwk), { mode: 0o600 });
    process.stdout.write(`${JSON.stringify(publicJwk)}\n`);
    return;
  }
  if (values['access-log-proof']) {
    const ttl = Number(values.ttl);
    if (!values.key || !values.did || !values.aud) {
      throw new Error(
        'usage: patient-sign --access-log-proof --aud <gateway MSP> --key f --did <patient DID>',
      );
    }
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > PATIENT_PROOF_MAX_LIFETIME_SECONDS) {
      throw new Error(`--ttl must be 1-${String(PATIENT_PROOF_MAX_LIFETIME_SECONDS)} seconds`);
    }
    const key = JSON.parse(readFileSync(values.key, 'utf8')) as P256PrivateJwk;
    const proof = signPatientProof(key, values.kid ?? `${values.did}#key-1`, {
      patientDid: values.did,
      aud: values.aud,
      ttlSeconds: ttl,
    });
    process.stdout.write(`${proof}\n`);
    return;
  }
  if (!values.key || !values.did || !values['grantee-org']) {
    throw new Error('usage: patient-sign --key f --did <patient DID> --grantee-org <MSP> [--categories a,b]');
  }
  const privateJwk = JSON.parse(readFileSync(values.key, 'utf8')) as P256PrivateJwk;
  const now = Date.now();
  // The kid names the key in the patient's DID document (its current key id).
  const grant: Omit<ConsentGrantPayload, 'patientDid' | 'nonce' | 'iat' | 'exp'> = {
    typ: SIGNED_PAYLOAD_TYPES.grant,
    grantee: { kind: 'org', mspId: values['grantee-org'] },
    categories: values.categories.split(',') as ConsentGrantPayload['categories'],
    maxLevel: Number(values['max-level']) as ConsentGrantPayload['maxLevel'],
    purpose: values.purpose as ConsentGrantPayload['purpose'],
    periodStart: new Date(now).toISOString(),
    periodEnd: new Date(now + Number(values.days) * 86_400_000).toISOString(),
  };
  const jws = signPatientPayload(
    grant,
    { patientDid: values.did, privateJwk, kid: values.kid ?? `${values.did}#key-1` },
    { nowMs: now },
  );
  process.stdout.write(`${JSON.stringify({ jws })}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
