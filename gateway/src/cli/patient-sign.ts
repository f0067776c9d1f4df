/**
 * What a patient's app signs, from the command line. The patient's P-256 keys stay on the patient's
 * device; the app sends only public keys and compact JWS, which the gateway relays and the chaincode
 * verifies against the patient's DID document, so no one else can forge or replay them.
 *
 * Keys: `--new-key out.jwk.json` creates a key pair (writes the private JWK, prints the public one).
 * Make two: the signing key and a recovery key the patient keeps offline (only its RFC 7638 thumbprint
 * goes on the ledger, until it is used).
 *
 * Registration (`POST /v1/patients` at the gateway of `--org`): prints the body with the proof of
 * possession signed by the signing key, naming the org and the recovery key's thumbprint:
 *
 *   node gateway/dist/cli/patient-sign.js --register --org Hospital1MSP --did did:medledger:patient:<id> \
 *     --key patient.jwk.json --recovery-key recovery.jwk.json
 *
 * Recovery of a lost key (`POST /v1/patients/{did}/keys/recovery`): signed by the recovery key, naming
 * the new key and the next recovery key (the used one is spent):
 *
 *   node gateway/dist/cli/patient-sign.js --recover --did <did> --recovery-key recovery.jwk.json \
 *     --new-public-key new.jwk.json --next-recovery-key recovery-2.jwk.json
 *
 * A consent grant (`POST /v1/consents`):
 *
 *   node gateway/dist/cli/patient-sign.js --key patient.jwk.json --did <did> [--kid <did>#key-<n>] \
 *     --grantee-org Hospital2MSP --categories diagnosis,lab --purpose treatment --days 30
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
  signKeyRecovery,
  signPatientPayload,
  signPatientRegistration,
  SIGNED_PAYLOAD_TYPES,
  type ConsentGrantPayload,
  type P256PrivateJwk,
  type P256PublicJwk,
  type PatientKeyPair,
} from '@medledger/domain';

const USAGE = `patient-sign: what a patient's app signs (keys stay on the device)
  --new-key out.jwk.json                        a key pair: writes the private JWK, prints the public one
  --register --org <MSP> --did <DID> --key f --recovery-key f
                                                body of POST /v1/patients with the proof of possession
  --recover --did <DID> --recovery-key f --new-public-key f --next-recovery-key f
                                                body of POST /v1/patients/{did}/keys/recovery
  --key f --did <DID> --grantee-org <MSP> [--categories a,b] [--purpose p] [--days n] [--kid <did>#key-<n>]
                                                body of POST /v1/consents
  --access-log-proof --aud <MSP> --key f --did <DID> [--kid ...] [--ttl s]
                                                Medledger-Patient-Proof for GET /v1/patients/{did}/access-log`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  'new-key': { type: 'string' },
  register: { type: 'boolean', default: false },
  recover: { type: 'boolean', default: false },
  org: { type: 'string' },
  key: { type: 'string' },
  'recovery-key': { type: 'string' },
  'new-public-key': { type: 'string' },
  'next-recovery-key': { type: 'string' },
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
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** A key file as `--new-key` writes it; only its public part is used where that is all it needs. */
function keyPair(path: string): PatientKeyPair {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as P256PrivateJwk;
  const publicJwk: P256PublicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { publicJwk, privateJwk: jwk };
}

function publicKey(path: string): P256PublicJwk {
  return keyPair(path).publicJwk;
}

function required(values: Values, names: readonly (keyof Values)[], usage: string): void {
  if (names.some((n) => values[n] === undefined)) throw new Error(`usage: patient-sign ${usage}`);
}

function newKey(path: string): string {
  const { publicJwk, privateJwk } = generatePatientKey();
  writeFileSync(path, JSON.stringify(privateJwk), { mode: 0o600 });
  return JSON.stringify(publicJwk);
}

function register(v: Values): string {
  required(
    v,
    ['org', 'did', 'key', 'recovery-key'],
    '--register --org <MSP> --did <DID> --key f --recovery-key f',
  );
  const body = signPatientRegistration(
    v.did ?? '',
    keyPair(v.key ?? ''),
    publicKey(v['recovery-key'] ?? ''),
    v.org ?? '',
    { nowMs: Date.now() },
  );
  return JSON.stringify(body);
}

function recover(v: Values): string {
  required(
    v,
    ['did', 'recovery-key', 'new-public-key', 'next-recovery-key'],
    '--recover --did <DID> --recovery-key f --new-public-key f --next-recovery-key f',
  );
  const jws = signKeyRecovery(
    v.did ?? '',
    keyPair(v['recovery-key'] ?? ''),
    publicKey(v['new-public-key'] ?? ''),
    publicKey(v['next-recovery-key'] ?? ''),
    { nowMs: Date.now() },
  );
  return JSON.stringify({ jws });
}

function accessLogProof(v: Values): string {
  required(v, ['key', 'did', 'aud'], '--access-log-proof --aud <gateway MSP> --key f --did <patient DID>');
  const ttl = Number(v.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > PATIENT_PROOF_MAX_LIFETIME_SECONDS) {
    throw new Error(`--ttl must be 1-${String(PATIENT_PROOF_MAX_LIFETIME_SECONDS)} seconds`);
  }
  return signPatientProof(keyPair(v.key ?? '').privateJwk, v.kid ?? `${v.did ?? ''}#key-1`, {
    patientDid: v.did ?? '',
    aud: v.aud ?? '',
    ttlSeconds: ttl,
  });
}

function consentGrant(v: Values): string {
  required(
    v,
    ['key', 'did', 'grantee-org'],
    '--key f --did <patient DID> --grantee-org <MSP> [--categories a,b]',
  );
  const now = Date.now();
  const grant: Omit<ConsentGrantPayload, 'patientDid' | 'nonce' | 'iat' | 'exp'> = {
    typ: SIGNED_PAYLOAD_TYPES.grant,
    grantee: { kind: 'org', mspId: v['grantee-org'] ?? '' },
    categories: v.categories.split(',') as ConsentGrantPayload['categories'],
    maxLevel: Number(v['max-level']) as ConsentGrantPayload['maxLevel'],
    purpose: v.purpose as ConsentGrantPayload['purpose'],
    periodStart: new Date(now).toISOString(),
    periodEnd: new Date(now + Number(v.days) * 86_400_000).toISOString(),
  };
  // The kid names the key in the patient's DID document (its current key id).
  const signer = {
    patientDid: v.did ?? '',
    privateJwk: keyPair(v.key ?? '').privateJwk,
    kid: v.kid ?? `${v.did ?? ''}#key-1`,
  };
  return JSON.stringify({ jws: signPatientPayload(grant, signer, { nowMs: now }) });
}

function main(): void {
  const { values } = parseArgs({ options: OPTIONS });
  let out: string;
  if (values.help) out = USAGE;
  else if (values['new-key'] !== undefined) out = newKey(values['new-key']);
  else if (values.register) out = register(values);
  else if (values.recover) out = recover(values);
  else if (values['access-log-proof']) out = accessLogProof(values);
  else out = consentGrant(values);
  process.stdout.write(`${out}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
