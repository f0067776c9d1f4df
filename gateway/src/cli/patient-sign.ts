/**
 * What a patient's app signs, from the command line. The patient's keys (P-256 for ES256, or SM2 for
 * SM2SM3 with `--new-key FILE --alg sm2`; every later mode signs with the algorithm of the key it is
 * given) stay on the patient's device; the app sends only public keys and compact JWS, which the gateway relays and the chaincode
 * verifies against the patient's DID document, so no one else can forge or replay them. Modes (see
 * `--help`): a new key pair (make two: the signing key and a recovery key the patient keeps offline,
 * whose RFC 7638 thumbprint alone goes on the ledger until it is used); the body of a registration with
 * its proof of possession; a recovery of a lost key signed by the recovery key; a consent grant; the
 * revocation of a grant, sent with the signed grant it revokes (the patient keeps what the grant mode
 * printed); and a proof of the key for `GET /v1/patients/{did}/access-log` (the
 * `Medledger-Patient-Proof` header, valid `--ttl` seconds, at most 300, once); the signed requests
 * to list the patient's records or read their health summary through one org (also sent in that
 * header, verified and used once on chain), and an erasure request for one record.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { command, runCommand, UsageError, type OptionsOf, type OptionValues } from '@medledger/cli-kit';

import { PATIENT_PROOF_MAX_LIFETIME_SECONDS, signPatientProof } from '../auth/patient-proof';
import {
  generatePatientKey,
  signKeyRecovery,
  signPatientPayload,
  signPatientRegistration,
  SIGNED_PAYLOAD_TYPES,
  type ConsentGrantPayload,
  type PatientPrivateJwk,
  type PatientPublicJwk,
  type PatientKeyPair,
  type PatientSignatureAlgorithm,
} from '@medledger/domain';

const PATIENT_SIGN = command({
  summary:
    "Signs for a patient with the patient's own keys: a new key pair, a registration, a key recovery, a consent grant, its revocation, or a proof for the access log.",
  options: {
    'new-key': {
      type: 'string',
      value: 'FILE',
      description: 'create a key pair: the private JWK goes to FILE (mode 600), the public JWK to stdout',
    },
    alg: {
      type: 'string',
      value: 'ALG',
      default: 'es256',
      description:
        "new key: es256 (P-256) or sm2 (SM2 with SM3, for a ledger of the sm crypto profile); signing takes the key's own",
    },
    register: {
      type: 'boolean',
      description:
        'print the body of POST /v1/patients with the proof of possession (--org, --did, --key, --recovery-key)',
    },
    recover: {
      type: 'boolean',
      description:
        'print the body of POST /v1/patients/{did}/keys/recovery (--did, --recovery-key, --new-public-key, --next-recovery-key)',
    },
    revoke: {
      type: 'boolean',
      description:
        'print the body of POST /v1/consents/{id}/revoke: the signed revocation with the signed grant it revokes (--key, --did, --consent-id, --grant)',
    },
    'consent-id': {
      type: 'string',
      value: 'ID',
      description: "revocation: the consent id (the grant's tx id)",
    },
    grant: {
      type: 'string',
      value: 'FILE',
      description: 'revocation: the grant as the grant mode printed it ({"jws": ...}), kept by the patient',
    },
    org: {
      type: 'string',
      value: 'MSP',
      description: 'registration: the MSP ID of the registering hospital',
    },
    key: { type: 'string', value: 'FILE', description: "the patient's private JWK (from --new-key)" },
    'recovery-key': {
      type: 'string',
      value: 'FILE',
      description:
        'registration: the recovery key (its thumbprint is registered); recovery: the key that signs',
    },
    'new-public-key': { type: 'string', value: 'FILE', description: 'recovery: the new signing key' },
    'next-recovery-key': {
      type: 'string',
      value: 'FILE',
      description: 'recovery: the next recovery key (the used one is spent)',
    },
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
    'records-request': {
      type: 'boolean',
      description: 'print the signed request of GET /v1/patients/{did}/records (--key, --did, --aud)',
    },
    'summary-request': {
      type: 'boolean',
      description: 'print the signed request of GET /v1/patients/{did}/summary (--key, --did, --aud)',
    },
    'erasure-request': {
      type: 'boolean',
      description:
        'print the body of POST /v1/patients/{did}/erasure-requests (--key, --did, --aud, --custodian, --record-id)',
    },
    'record-read': {
      type: 'boolean',
      description:
        "print the signed request of GET /v1/records/{id} for the patient's own record (--key, --did, --aud, --custodian, --record-id)",
    },
    custodian: {
      type: 'string',
      value: 'MSP',
      description: "erasure, record read: the MSP ID of the record's custodian",
    },
    'record-id': {
      type: 'string',
      value: 'ID',
      description: 'erasure: the record to erase; record read: the record',
    },
    aud: {
      type: 'string',
      value: 'MSP',
      description: "proof and requests: the MSP ID of the relaying gateway's org",
    },
    ttl: {
      type: 'string',
      value: 'SECONDS',
      default: '120',
      description: `proof: lifetime, 1-${String(PATIENT_PROOF_MAX_LIFETIME_SECONDS)} seconds`,
    },
  },
  details: [
    'Modes: --new-key FILE; --register; --recover; a consent grant (--key, --did, --grantee-org), printed as the JSON body of POST /v1/consents; --revoke; --access-log-proof, --records-request, --summary-request (--key, --did, --aud), --record-read (and --custodian, --record-id), printed alone; --erasure-request.',
  ],
  examples: [
    'node gateway/dist/cli/patient-sign.js --new-key patient.jwk.json',
    'node gateway/dist/cli/patient-sign.js --new-key patient-sm2.jwk.json --alg sm2',
    'node gateway/dist/cli/patient-sign.js --register --org Hospital1MSP --did did:medledger:patient:p-7f3a9c --key patient.jwk.json --recovery-key recovery.jwk.json',
    'node gateway/dist/cli/patient-sign.js --recover --did did:medledger:patient:p-7f3a9c --recovery-key recovery.jwk.json --new-public-key new.jwk.json --next-recovery-key recovery-2.jwk.json',
    'node gateway/dist/cli/patient-sign.js --key patient.jwk.json --did did:medledger:patient:p-7f3a9c --grantee-org Hospital2MSP --categories diagnosis,lab --days 30',
    'node gateway/dist/cli/patient-sign.js --revoke --key patient.jwk.json --did did:medledger:patient:p-7f3a9c --consent-id <64 hex> --grant grant.json',
    'node gateway/dist/cli/patient-sign.js --access-log-proof --aud Hospital1MSP --key patient.jwk.json --did did:medledger:patient:p-7f3a9c',
    'node gateway/dist/cli/patient-sign.js --summary-request --aud Hospital2MSP --key patient.jwk.json --did did:medledger:patient:p-7f3a9c',
    'node gateway/dist/cli/patient-sign.js --erasure-request --aud Hospital2MSP --custodian Hospital1MSP --record-id rec-0001 --key patient.jwk.json --did did:medledger:patient:p-7f3a9c',
  ],
});

type PatientSignValues = OptionValues<OptionsOf<typeof PATIENT_SIGN>>;

/** A key file as `--new-key` writes it; only its public part is used where that is all it needs. */
function keyPair(path: string): PatientKeyPair {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as PatientPrivateJwk;
  const publicJwk: PatientPublicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { publicJwk, privateJwk: jwk };
}

/** The values of `names`, or a usage error naming what `mode` needs. */
function needs<K extends keyof PatientSignValues>(
  values: PatientSignValues,
  mode: string,
  names: readonly K[],
): { [P in K]: string } {
  if (names.some((n) => typeof values[n] !== 'string' || values[n] === '')) {
    throw new UsageError(`${mode} needs ${names.map((n) => `--${n}`).join(', ')}`);
  }
  return Object.fromEntries(names.map((n) => [n, String(values[n])])) as { [P in K]: string };
}

function register(values: PatientSignValues): string {
  const v = needs(values, '--register', ['org', 'did', 'key', 'recovery-key']);
  const body = signPatientRegistration(v.did, keyPair(v.key), keyPair(v['recovery-key']).publicJwk, v.org, {
    nowMs: Date.now(),
  });
  return JSON.stringify(body);
}

function recover(values: PatientSignValues): string {
  const v = needs(values, '--recover', ['did', 'recovery-key', 'new-public-key', 'next-recovery-key']);
  const jws = signKeyRecovery(
    v.did,
    keyPair(v['recovery-key']),
    keyPair(v['new-public-key']).publicJwk,
    keyPair(v['next-recovery-key']).publicJwk,
    { nowMs: Date.now() },
  );
  return JSON.stringify({ jws });
}

/** The key id in the patient's DID document (its current key id). */
function signerOf(values: PatientSignValues, v: { key: string; did: string }) {
  return { patientDid: v.did, privateJwk: keyPair(v.key).privateJwk, kid: values.kid ?? `${v.did}#key-1` };
}

function revoke(values: PatientSignValues): string {
  const v = needs(values, '--revoke', ['key', 'did', 'consent-id', 'grant']);
  const { jws: grantJws } = JSON.parse(readFileSync(v.grant, 'utf8')) as { jws?: unknown };
  if (typeof grantJws !== 'string')
    throw new UsageError('--grant must hold the grant as printed: {"jws": ...}');
  const revocation = { typ: SIGNED_PAYLOAD_TYPES.revoke, consentId: v['consent-id'] };
  return JSON.stringify({
    jws: signPatientPayload(revocation, signerOf(values, v), { nowMs: Date.now() }),
    grantJws,
  });
}

function accessLogProof(values: PatientSignValues): string {
  const v = needs(values, '--access-log-proof', ['aud', 'key', 'did']);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > PATIENT_PROOF_MAX_LIFETIME_SECONDS) {
    throw new UsageError(`--ttl must be 1-${String(PATIENT_PROOF_MAX_LIFETIME_SECONDS)} seconds`);
  }
  return signPatientProof(keyPair(v.key).privateJwk, values.kid ?? `${v.did}#key-1`, {
    patientDid: v.did,
    aud: v.aud,
    ttlSeconds: ttl,
  });
}

/** A request relayed once through `--aud`'s gateway, valid 120 s (a listing or summary allows 300). */
function relayedRequest(values: PatientSignValues, mode: string, body: Record<string, unknown>): string {
  const v = needs(values, mode, ['aud', 'key', 'did']);
  return signPatientPayload({ ...body, aud: v.aud }, signerOf(values, v), {
    nowMs: Date.now(),
    ttlSeconds: 120,
  });
}

/** A request naming one record of the patient (`--custodian`, `--record-id`), of type `typ`. */
function recordRequest(values: PatientSignValues, mode: string, typ: string): string {
  const v = needs(values, mode, ['custodian', 'record-id']);
  return relayedRequest(values, mode, { typ, custodian: v.custodian, recordId: v['record-id'] });
}

function erasureRequest(values: PatientSignValues): string {
  return JSON.stringify({
    jws: recordRequest(values, '--erasure-request', SIGNED_PAYLOAD_TYPES.erasureRequest),
  });
}

function consentGrant(values: PatientSignValues): string {
  const v = needs(values, 'a consent grant', ['key', 'did', 'grantee-org']);
  const now = Date.now();
  const grant: Omit<ConsentGrantPayload, 'patientDid' | 'nonce' | 'iat' | 'exp'> = {
    typ: SIGNED_PAYLOAD_TYPES.grant,
    grantee: { kind: 'org', mspId: v['grantee-org'] },
    categories: values.categories.split(',') as ConsentGrantPayload['categories'],
    maxLevel: Number(values['max-level']) as ConsentGrantPayload['maxLevel'],
    purpose: values.purpose as ConsentGrantPayload['purpose'],
    periodStart: new Date(now).toISOString(),
    periodEnd: new Date(now + Number(values.days) * 86_400_000).toISOString(),
  };
  return JSON.stringify({ jws: signPatientPayload(grant, signerOf(values, v), { nowMs: now }) });
}

/** `--alg`: the JWS algorithm of a new key. */
function algorithmOption(raw: string): PatientSignatureAlgorithm {
  const name = raw.toLowerCase();
  if (name !== 'es256' && name !== 'sm2')
    throw new UsageError(`--alg takes es256 or sm2, got ${JSON.stringify(raw)}`);
  return name === 'sm2' ? 'SM2SM3' : 'ES256';
}

function output(values: PatientSignValues): string {
  if (values['new-key']) {
    const { publicJwk, privateJwk } = generatePatientKey(algorithmOption(values.alg));
    writeFileSync(values['new-key'], JSON.stringify(privateJwk), { mode: 0o600 });
    return JSON.stringify(publicJwk);
  }
  if (values.register) return register(values);
  if (values.recover) return recover(values);
  if (values.revoke) return revoke(values);
  if (values['access-log-proof']) return accessLogProof(values);
  if (values['records-request'])
    return relayedRequest(values, '--records-request', { typ: SIGNED_PAYLOAD_TYPES.recordList });
  if (values['summary-request'])
    return relayedRequest(values, '--summary-request', { typ: SIGNED_PAYLOAD_TYPES.summaryRead });
  if (values['erasure-request']) return erasureRequest(values);
  if (values['record-read']) return recordRequest(values, '--record-read', SIGNED_PAYLOAD_TYPES.recordRead);
  return consentGrant(values);
}

if (require.main === module) {
  void runCommand('node gateway/dist/cli/patient-sign.js', PATIENT_SIGN, process.argv.slice(2), (values) => {
    process.stdout.write(`${output(values)}\n`);
  });
}
