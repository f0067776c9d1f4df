/**
 * How a patient app signs what only the patient may sign: the patient's P-256 key stays on the
 * patient's device; the app sends only the compact JWS. The gateway relays it and the chaincode
 * verifies it against the patient's DID document, so no one else can forge or replay it. Three modes
 * (see `--help`): a new key pair, a consent grant for `POST /v1/consents`, and a proof of the key for
 * `GET /v1/patients/{did}/access-log` (the `Medledger-Patient-Proof` header, valid `--ttl` seconds,
 * at most 300, once).
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { command, runCommand, UsageError, type OptionsOf, type OptionValues } from '@medledger/cli-kit';

import { PATIENT_PROOF_MAX_LIFETIME_SECONDS, signPatientProof } from '../auth/patient-proof';
import {
  generatePatientKey,
  signPatientPayload,
  SIGNED_PAYLOAD_TYPES,
  type ConsentGrantPayload,
  type P256PrivateJwk,
} from '@medledger/domain';

const PATIENT_SIGN = command({
  summary:
    "Signs for a patient with the patient's own key: a new key pair, a consent grant, or a proof for the access log.",
  options: {
    'new-key': {
      type: 'string',
      value: 'FILE',
      description: 'create a key pair: the private JWK goes to FILE (mode 600), the public JWK to stdout',
    },
    key: { type: 'string', value: 'FILE', description: "the patient's private JWK (from --new-key)" },
    did: { type: 'string', value: 'DID', description: "the patient's DID" },
    kid: {
      type: 'string',
      value: 'KID',
      description: 'the key id in the DID document (default <DID>#key-1)',
    },
    'grantee-org': {
      type: 'string',
      value: 'MSP',
      description: 'grant: the MSP ID of the org granted access',
    },
    categories: {
      type: 'string',
      value: 'LIST',
      default: 'diagnosis',
      description: 'grant: comma-separated data categories',
    },
    'max-level': {
      type: 'string',
      value: 'N',
      default: '3',
      description: 'grant: the highest sensitivity level',
    },
    purpose: {
      type: 'string',
      value: 'PURPOSE',
      default: 'treatment',
      description: 'grant: the purpose of use',
    },
    days: { type: 'string', value: 'N', default: '30', description: 'grant: days from now until it ends' },
    'access-log-proof': {
      type: 'boolean',
      description: "print a proof of the patient's key for GET /v1/patients/{did}/access-log",
    },
    aud: { type: 'string', value: 'MSP', description: "proof: the MSP ID of the gateway's org" },
    ttl: {
      type: 'string',
      value: 'SECONDS',
      default: '120',
      description: `proof: lifetime, 1-${String(PATIENT_PROOF_MAX_LIFETIME_SECONDS)} seconds`,
    },
  },
  details: [
    'Modes: --new-key FILE; a consent grant (--key, --did, --grantee-org), printed as the JSON body of POST /v1/consents; --access-log-proof (--key, --did, --aud), printed alone.',
  ],
  examples: [
    'node gateway/dist/cli/patient-sign.js --new-key patient.jwk.json',
    'node gateway/dist/cli/patient-sign.js --key patient.jwk.json --did did:medledger:patient:p-7f3a9c --grantee-org Hospital2MSP --categories diagnosis,lab --days 30',
    'node gateway/dist/cli/patient-sign.js --access-log-proof --aud Hospital1MSP --key patient.jwk.json --did did:medledger:patient:p-7f3a9c',
  ],
});

type PatientSignValues = OptionValues<OptionsOf<typeof PATIENT_SIGN>>;

function accessLogProof(values: PatientSignValues): string {
  if (!values.key || !values.did || !values.aud) {
    throw new UsageError('--access-log-proof needs --aud, --key and --did');
  }
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > PATIENT_PROOF_MAX_LIFETIME_SECONDS) {
    throw new UsageError(`--ttl must be 1-${String(PATIENT_PROOF_MAX_LIFETIME_SECONDS)} seconds`);
  }
  const key = JSON.parse(readFileSync(values.key, 'utf8')) as P256PrivateJwk;
  return signPatientProof(key, values.kid ?? `${values.did}#key-1`, {
    patientDid: values.did,
    aud: values.aud,
    ttlSeconds: ttl,
  });
}

function consentGrant(values: PatientSignValues): string {
  if (!values.key || !values.did || !values['grantee-org']) {
    throw new UsageError('a consent grant needs --key, --did and --grantee-org');
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
  return JSON.stringify({ jws });
}

if (require.main === module) {
  void runCommand('node gateway/dist/cli/patient-sign.js', PATIENT_SIGN, process.argv.slice(2), (values) => {
    if (values['new-key']) {
      const { publicJwk, privateJwk } = generatePatientKey();
      writeFileSync(values['new-key'], JSON.stringify(privateJwk), { mode: 0o600 });
      process.stdout.write(`${JSON.stringify(publicJwk)}\n`);
      return;
    }
    process.stdout.write(`${values['access-log-proof'] ? accessLogProof(values) : consentGrant(values)}\n`);
  });
}
