/**
 * The bad-input sweep of one gateway: OpenAPI-generated cases, a hand-written list, bad tokens, other
 * callers' ids and page cursors; then the chain height must be unchanged and the gateway still up.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '@medledger/gateway/auth';
import { DEV_AUDIENCE, type NetworkInfo } from '@medledger/network';
import {
  algNoneJws,
  casesFromOpenApi,
  strangerJws,
  sweep,
  type BadCase,
  type SweepReport,
} from './bad-input';
import { devToken } from './api';
import { convergedTip, orgProcesses, pidOf } from './faults';
import { gatewayUrl, orgInfo } from './network';

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** Tokens that must all be refused by `orgName`'s gateway. */
export async function badTokens(
  info: NetworkInfo,
  orgName: string,
  other: string,
): Promise<[string, string][]> {
  const org = orgInfo(info, orgName);
  const domain = `${orgName.toLowerCase()}.medledger.local`;
  const key = readFileSync(
    join(info.stateDir, 'gateways', orgName.toLowerCase(), 'auth', 'signing-key.pem'),
    'utf8',
  );
  const base = { issuer: `https://idp.${domain}`, org: org.mspId, subject: `${orgName.toLowerCase()}-admin` };
  const now = Math.floor(Date.now() / 1000);
  const good = await mintToken(key, { ...base, audience: DEV_AUDIENCE });
  const payload = JSON.parse(Buffer.from(good.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
  return [
    [
      'expired',
      await mintToken(key, { ...base, audience: DEV_AUDIENCE, issuedAt: now - 7200, ttlSeconds: 600 }),
    ],
    ['wrong audience', await mintToken(key, { ...base, audience: 'someone-else' })],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`],
    [
      'alg none, signature kept',
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.${good.split('.')[2] ?? ''}`,
    ],
    [
      'payload swapped',
      `${good.split('.')[0] ?? ''}.${b64({ ...payload, sub: 'someone-else' })}.${good.split('.')[2] ?? ''}`,
    ],
    ['HS256 with the public key', `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.${'A'.repeat(43)}`],
    ["another org's", await devToken(info, other, `${other.toLowerCase()}-admin`)],
    ['not yet valid', await mintToken(key, { ...base, audience: DEV_AUDIENCE, issuedAt: now + 3600 })],
    // The org's issuer mints access tokens as `at+jwt` (RFC 9068): any other JWT it signs is refused.
    ['typ JWT, not an access token', await mintToken(key, { ...base, audience: DEV_AUDIENCE, typ: 'JWT' })],
  ];
}

/** Hand-written cases: near-valid bodies that reach the chaincode, bad JWS, other callers' data. */
function handWritten(canary: string, otherPatientDid: string): BadCase[] {
  const json = { 'content-type': 'application/json' };
  const did = `did:medledger:patient:bad-${randomBytes(4).toString('hex')}`;
  const now = Math.floor(Date.now() / 1000);
  // A listing request of the other patient, unsigned (alg none): refused before anything is written.
  const unsignedListRequest = (): string =>
    algNoneJws({
      typ: 'medledger.records.list',
      patientDid: otherPatientDid,
      nonce: randomBytes(16).toString('base64url'),
      iat: now,
      exp: now + 120,
      aud: canary,
    });
  const consent = {
    typ: 'medledger.consent.grant',
    patientDid: otherPatientDid,
    nonce: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + 600,
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: new Date(Date.now() - 60_000).toISOString(),
    periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
  };
  const post = (name: string, path: string, body: unknown): BadCase => ({
    name,
    method: 'POST',
    path,
    body: JSON.stringify(body),
    headers: json,
  });
  return [
    post('patient key not on the curve', '/v1/patients', {
      patientDid: did,
      publicKeyJwk: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.alloc(32, 1).toString('base64url'),
        y: Buffer.alloc(32, 2).toString('base64url'),
      },
    }),
    post('patient key with a private part', '/v1/patients', {
      patientDid: did,
      publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: canary },
    }),
    post('patient DID with a homoglyph', '/v1/patients', {
      patientDid: 'did:medledger:patient:bаd',
      publicKeyJwk: {},
    }),
    post('patient DID with NUL', '/v1/patients', { patientDid: `${did}\u0000`, publicKeyJwk: {} }),
    post('consent alg none', '/v1/consents', { jws: algNoneJws(consent) }),
    post('consent signed by a stranger', '/v1/consents', { jws: strangerJws(consent) }),
    post('consent expired', '/v1/consents', {
      jws: strangerJws({ ...consent, iat: now - 7200, exp: now - 3600 }),
    }),
    post('consent with an impossible period', '/v1/consents', {
      jws: strangerJws({
        ...consent,
        periodStart: '2025-02-30T00:00:00Z',
        periodEnd: '2024-13-01T00:00:00Z',
      }),
    }),
    post('consent JWS with 2 dots only', '/v1/consents', { jws: 'a.b' }),
    post('consent JWS huge', '/v1/consents', { jws: `${'a'.repeat(9000)}.${'b'.repeat(9000)}.c` }),
    post('record with an impossible date', '/v1/records', {
      recordId: `rec-bad-${randomBytes(4).toString('hex')}`,
      patientDid: otherPatientDid,
      department: 'cardiology',
      category: 'diagnosis',
      level: 3,
      fhirResourceType: 'Condition',
      resource: {
        resourceType: 'Condition',
        subject: { reference: 'Patient/x', display: canary },
        code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }] },
        onsetDateTime: '2025-02-30T25:61:00Z',
      },
    }),
    post('record for an unknown patient', '/v1/records', {
      recordId: `rec-bad-${randomBytes(4).toString('hex')}`,
      patientDid: did,
      department: 'cardiology',
      category: 'diagnosis',
      level: 3,
      fhirResourceType: 'Condition',
      resource: { resourceType: 'Condition', subject: { display: canary } },
    }),
    post('verify with a malformed salt', `/v1/records/rec-none-${canary.slice(6, 14)}/verify`, {
      resource: { resourceType: 'Condition', note: canary },
      salt: 'zz',
    }),
    post('study with end before start', '/v1/multicenter-studies', {
      studyId: `study-bad-${randomBytes(3).toString('hex')}`,
      categories: ['diagnosis'],
      maxLevel: 3,
      periodStart: '2026-12-31T00:00:00Z',
      periodEnd: '2026-01-01T00:00:00Z',
      sites: ['Hospital1MSP'],
      quorum: { kind: 'all' },
      protocolHash: randomBytes(32).toString('hex'),
    }),
    post('retired single-researcher study registration', '/v1/studies', {
      studyId: `study-old-${randomBytes(3).toString('hex')}`,
      ethicsApprovalRef: canary,
    }),
    // Study work: a contribution to a study nobody proposed, a record named twice, a task due in the past.
    post('contribution to an unknown study', `/v1/studies/study-none-${canary.slice(6, 14)}/contributions`, {
      taskId: 'task-none',
      datasetHash: randomBytes(32).toString('hex'),
      records: [
        {
          recordId: `rec-none-${canary.slice(6, 14)}`,
          version: 1,
          accessId: randomBytes(32).toString('hex'),
        },
      ],
    }),
    post(
      'contribution naming a record twice',
      `/v1/studies/study-none-${canary.slice(6, 14)}/contributions`,
      {
        taskId: 'task-none',
        datasetHash: randomBytes(32).toString('hex'),
        records: [1, 2].map(() => ({
          recordId: 'rec-twice',
          version: 1,
          accessId: randomBytes(32).toString('hex'),
        })),
      },
    ),
    post('task due in the past for an unknown study', `/v1/studies/study-none-${canary.slice(6, 14)}/tasks`, {
      taskId: 'task-past',
      site: 'Hospital1MSP',
      cohort: { criteriaId: 'criteria-x', criteriaHash: randomBytes(32).toString('hex') },
      recordCount: 1,
      dueDate: '2020-01-01T00:00:00Z',
    }),
    // The privacy model's inputs (issue 12): parties outside the consortium, another custodian's
    // records, a revocation presenting a grant that is not the consent's.
    post(
      'access naming a custodian outside the consortium',
      `/v1/records/rec-x-${canary.slice(6, 14)}/access`,
      {
        purpose: 'treatment',
        custodian: 'Hospital9MSP',
        patientDid: otherPatientDid,
      },
    ),
    {
      name: 'record read naming a custodian outside the consortium',
      method: 'GET',
      path: `/v1/records/rec-x-${canary.slice(6, 14)}?custodian=Hospital9MSP`,
    },
    post('review of another custodian record', `/v1/records/rec-x-${canary.slice(6, 14)}/review`, {
      version: 1,
      custodian: 'Hospital2MSP',
    }),
    post('purge of content never staged', `/v1/records/rec-x-${canary.slice(6, 14)}/staged-erasures`, {
      version: 1,
      reason: 'data_error',
    }),
    post('consent to a grantee outside the consortium', '/v1/consents', {
      jws: strangerJws({ ...consent, grantee: { kind: 'org', mspId: 'Hospital9MSP' } }),
    }),
    post(
      'revocation presenting a grant that is not the consent one',
      `/v1/consents/${'ab'.repeat(32)}/revoke`,
      {
        jws: strangerJws({ ...consent, typ: 'medledger.consent.revoke', consentId: 'ab'.repeat(32) }),
        grantJws: strangerJws(consent),
      },
    ),
    post(
      'break-glass review naming a custodian outside the consortium',
      `/v1/break-glass/${'cd'.repeat(32)}/review`,
      {
        outcome: 'unjustified',
        custodian: 'Hospital9MSP',
      },
    ),
    // A trace reads the marks of at most 1,000 rows; the document never reaches the ledger.
    post('leak trace with more rows than a trace reads', '/v1/incidents/trace', {
      document: Array.from({ length: 1001 }, (_, i) => ({
        resourceType: 'Condition',
        subject: { reference: `Patient/${i.toString(16).padStart(32, '0')}` },
        note: canary,
      })),
    }),
    // Freezes (issue 16): a subject outside the consortium, a patient as a subject, a reason that is
    // not a code, a lift of a freeze that does not exist, a list naming two subjects.
    post('freeze of an org outside the consortium', '/v1/freezes', {
      subject: { kind: 'org', mspId: 'Hospital9MSP' },
      reason: 'data_leak',
    }),
    post('freeze of a patient', '/v1/freezes', {
      subject: { kind: 'person', did: otherPatientDid },
      reason: 'data_leak',
    }),
    post('freeze with free text as its reason', '/v1/freezes', {
      subject: { kind: 'org', mspId: 'Hospital2MSP' },
      reason: canary,
    }),
    post('lift of a freeze that does not exist', `/v1/freezes/${'ef'.repeat(32)}/lift`, {}),
    // Incidents: a forged link, a category that is not a code, an org outside the consortium, a step
    // of an incident that does not exist.
    post('incident naming an org outside the consortium', '/v1/incidents', {
      category: 'data_leak',
      severity: 'high',
      orgs: ['Hospital9MSP'],
    }),
    post('incident with free text as its category', '/v1/incidents', { category: canary, severity: 'low' }),
    post('incident link to an access event that does not exist', `/v1/incidents/${'ab'.repeat(32)}/links`, {
      links: [{ kind: 'audit_event', eventId: 'cd'.repeat(32), custodian: 'Hospital1MSP' }],
    }),
    post('incident step of an incident that does not exist', `/v1/incidents/${'ab'.repeat(32)}/steps`, {
      step: 'contain',
    }),
    {
      name: 'freezes of a person and an org at once',
      method: 'GET',
      path: `/v1/freezes?person=${encodeURIComponent('did:medledger:hospital1:x')}&org=Hospital1MSP`,
    },
    // Emergency profiles and co-signatures (issue 13): nothing to co-sign, a custodian outside the
    // consortium, a profile naming a category outside the vocabulary, a profile signed by nobody.
    post(
      'co-sign of a break-glass request that does not exist',
      `/v1/break-glass/${'ef'.repeat(32)}/co-sign`,
      {},
    ),
    post('co-sign naming a custodian outside the consortium', `/v1/break-glass/${'ef'.repeat(32)}/co-sign`, {
      custodian: 'Hospital9MSP',
    }),
    post(
      'deletion attestation of a consent that does not exist',
      `/v1/consents/${'ab'.repeat(32)}/deletion-attestations`,
      {},
    ),
    post('deletion attestation with a body', `/v1/consents/${'ab'.repeat(32)}/deletion-attestations`, {
      late: false,
      attestedBy: canary,
    }),
    post('consent with a read limit of zero', '/v1/consents', {
      jws: strangerJws({ ...consent, maxReads: 0 }),
    }),
    post(
      'template that does not exist',
      `/v1/patients/${encodeURIComponent(otherPatientDid)}/consent-payloads`,
      {
        templateId: canary,
        params: {},
      },
    ),
    post(
      'template with the parameters of another template',
      `/v1/patients/${encodeURIComponent(otherPatientDid)}/consent-payloads`,
      { templateId: 'treatment-at-org', params: { studyId: 'study-x', categories: ['lab'] } },
    ),
    post(
      'treatment template for a year and a day',
      `/v1/patients/${encodeURIComponent(otherPatientDid)}/consent-payloads`,
      { templateId: 'treatment-at-org', params: { org: 'Hospital2MSP', days: 366 } },
    ),
    {
      name: 'emergency profile with a category outside the vocabulary',
      method: 'PUT',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/preferences`,
      headers: json,
      body: JSON.stringify({
        jws: strangerJws({
          typ: 'medledger.preferences',
          patientDid: otherPatientDid,
          nonce: randomBytes(16).toString('base64url'),
          iat: now,
          exp: now + 120,
          emergencyProfile: { categories: ['allergy', canary], beyondProfile: 'co_signed' },
        }),
      }),
    },
    {
      name: 'emergency profile signed by a stranger key',
      method: 'PUT',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/preferences`,
      headers: json,
      body: JSON.stringify({
        jws: strangerJws({
          typ: 'medledger.preferences',
          patientDid: otherPatientDid,
          nonce: randomBytes(16).toString('base64url'),
          iat: now,
          exp: now + 120,
          emergencyProfile: { categories: ['allergy'], beyondProfile: 'never' },
        }),
      }),
    },
    {
      name: 'audit with a forged cursor',
      method: 'GET',
      path: `/v1/audit?patient=${encodeURIComponent(otherPatientDid)}&cursor=${b64({ k: 'x', canary })}`,
    },
    {
      name: 'consents with a forged bookmark',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/consents?bookmark=%00${b64({ canary })}`,
    },
    {
      // Refused at endorsement (the chaincode verifies the request), so nothing is written.
      name: 'record listing with an unsigned (alg none) patient request',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/records`,
      headers: { 'Medledger-Patient-Proof': unsignedListRequest() },
    },
    {
      name: 'emergency record listing without a stated reason',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/records?purpose=emergency`,
    },
    {
      name: 'record listing with a break-glass reason but no emergency',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/records?breakGlassReason=unconscious_patient`,
    },
    {
      // An emergency listing rests on the doctor's stated reason alone, never on a patient request too.
      name: 'emergency record listing with a patient request',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/records?purpose=emergency&breakGlassReason=unconscious_patient`,
      headers: { 'Medledger-Patient-Proof': unsignedListRequest() },
    },
    {
      // Refused at endorsement of the listing (the chaincode verifies the request), so nothing is written.
      name: 'health summary with an unsigned (alg none) patient request',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/summary`,
      headers: {
        'Medledger-Patient-Proof': algNoneJws({
          typ: 'medledger.summary.read',
          patientDid: otherPatientDid,
          nonce: randomBytes(16).toString('base64url'),
          iat: now,
          exp: now + 120,
          aud: canary,
        }),
      },
    },
    // Refused by the gateway (not an erasure request of the path's patient) before any ledger call.
    post(
      'erasure request signed for another patient',
      `/v1/patients/${encodeURIComponent(otherPatientDid)}/erasure-requests`,
      {
        jws: algNoneJws({
          typ: 'medledger.erasure.request',
          patientDid: `did:medledger:patient:${canary}`,
          nonce: randomBytes(16).toString('base64url'),
          iat: now,
          exp: now + 120,
          aud: 'Hospital1MSP',
          custodian: 'Hospital1MSP',
          recordId: canary,
        }),
      },
    ),
    post('erasure answer without its legal reason', `/v1/erasure-requests/${'0'.repeat(64)}/answer`, {
      answer: 'refused',
      canary,
    }),
    {
      name: 'access log with a forged cursor',
      method: 'GET',
      path: `/v1/patients/${encodeURIComponent(otherPatientDid)}/access-log?cursor=${b64({ canary })}`,
    },
    ...insuranceCases(canary, otherPatientDid, post),
  ];
}

/**
 * Insurance inputs (docs/insurance.md): amounts that are not integers in minor units, a coverage
 * without items or with end before start, a claim both native and FHIR or with a FHIR net that is not
 * quantity x price, a card without its patient, a batch of a pair outside the consortium.
 */
function insuranceCases(
  canary: string,
  otherPatientDid: string,
  post: (name: string, path: string, body: unknown) => BadCase,
): BadCase[] {
  const suffix = canary.slice(6, 14);
  const item = { system: 'http://www.ama-assn.org/go/cpt', code: '99213' };
  const terms = {
    coverageId: `cov-bad-${suffix}`,
    patientDid: otherPatientDid,
    planId: 'plan-gold',
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    currency: 'EUR',
    deductible: 5000,
    periodLimit: null,
    benefits: [{ item, rateBasisPoints: 8000, maxUnitPrice: 10000, periodCap: null }],
  };
  const line = {
    item,
    servicedDate: '2026-10-02',
    quantity: 1,
    unitPrice: 12000,
    recordId: `rec-${suffix}`,
    recordHash: 'ab'.repeat(32),
  };
  const claim = {
    insurer: 'InsurerMSP',
    card: 'c0'.repeat(32),
    consents: [{ consentId: 'ab'.repeat(32), jws: algNoneJws({ note: canary }) }],
    claim: {
      claimId: `clm-bad-${suffix}`,
      coverageId: terms.coverageId,
      patientDid: otherPatientDid,
      currency: 'EUR',
      lines: [line],
    },
  };
  return [
    post('coverage with a fractional deductible', '/v1/coverages', {
      coverage: { ...terms, deductible: 50.5 },
    }),
    post('coverage ending before it starts', '/v1/coverages', {
      coverage: { ...terms, periodEnd: '2025-01-01' },
    }),
    post('coverage listing an item twice', '/v1/coverages', {
      coverage: { ...terms, benefits: [...terms.benefits, ...terms.benefits] },
    }),
    post('coverage as a FHIR resource that is not one', '/v1/coverages', {
      resource: { resourceType: 'Coverage', note: canary },
    }),
    post('claim with a negative price', '/v1/claims', {
      ...claim,
      claim: { ...claim.claim, lines: [{ ...line, unitPrice: -12000 }] },
    }),
    post('claim with a quantity of 10,000', '/v1/claims', {
      ...claim,
      claim: { ...claim.claim, lines: [{ ...line, quantity: 10_000 }] },
    }),
    post('claim both native and FHIR', '/v1/claims', { ...claim, resource: { resourceType: 'Claim' } }),
    post('claim with a FHIR net that is not quantity x price', '/v1/claims', {
      ...claim,
      claim: undefined,
      resource: {
        resourceType: 'Claim',
        identifier: [{ system: 'urn:medledger:claim', value: `clm-bad-${suffix}` }],
        item: [
          { sequence: 1, unitPrice: { value: 120, currency: 'EUR' }, net: { value: 1200, currency: 'EUR' } },
        ],
      },
    }),
    post('claim to an insurer outside the consortium', '/v1/claims', { ...claim, insurer: 'Insurer9MSP' }),
    post('dispute asking a fractional amount', `/v1/claims/clm-bad-${suffix}/disputes`, {
      insurer: 'InsurerMSP',
      lineSequence: 1,
      reason: 'ITEM_COVERED',
      requestedAmount: 10.5,
    }),
    post('dispute resolution with a free-text reason', `/v1/disputes/${'ab'.repeat(32)}/resolve`, {
      provider: 'Hospital1MSP',
      approvedAmount: 100,
      resolution: canary,
    }),
    post('batch of a pair outside the consortium', '/v1/settlement/batches', {
      provider: 'Hospital9MSP',
      insurer: 'InsurerMSP',
      currency: 'EUR',
    }),
    post('settlement index from a cursor that is no entry id', '/v1/settlement/index', {
      provider: 'Hospital1MSP',
      insurer: 'InsurerMSP',
      after: canary,
    }),
    post('settlement index of a pair outside the consortium', '/v1/settlement/index', {
      provider: 'Hospital9MSP',
      insurer: 'InsurerMSP',
    }),
    {
      name: 'coverage read with a card and no patient',
      method: 'GET',
      path: `/v1/coverages/cov-bad-${suffix}?insurer=InsurerMSP`,
      headers: { 'Medledger-Coverage-Card': canary },
    },
  ];
}

/**
 * Sweeps `orgName`'s gateway. `otherPatientDid` is a patient registered by another caller, to target
 * with a patient token of someone else.
 */
export async function sweepGateway(
  info: NetworkInfo,
  orgName: string,
  canary: string,
  otherPatientDid: string,
  full: boolean,
): Promise<SweepReport & { heightBefore: number; heightAfter: number; gatewayPidSame: boolean }> {
  const org = orgInfo(info, orgName);
  const baseUrl = gatewayUrl(org);
  const gatewayPid = pidOf(orgProcesses(orgName).gateway);
  const heightBefore = (await convergedTip(info)).height;
  const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Parameters<
    typeof casesFromOpenApi
  >[0];
  let cases = casesFromOpenApi(doc, canary);
  if (!full) cases = cases.filter((_, i) => i % 3 === 0);
  cases.push(...handWritten(canary, otherPatientDid));
  const other = orgName === 'Hospital1' ? 'Hospital2' : 'Hospital1';
  for (const [what, token] of await badTokens(info, orgName, other)) {
    cases.push({
      name: `token ${what}`,
      method: 'GET',
      path: `/v1/dids/${encodeURIComponent(otherPatientDid)}`,
      token,
    });
    cases.push({
      name: `token ${what} (write)`,
      method: 'POST',
      path: '/v1/ops/ping',
      token,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
  }
  // Someone else's patient data, asked by a patient token.
  const stranger = await devToken(
    info,
    orgName,
    `did:medledger:patient:stranger-${randomBytes(4).toString('hex')}`,
    { kind: 'patient' },
  );
  for (const path of [
    `/v1/patients/${encodeURIComponent(otherPatientDid)}/consents`,
    `/v1/patients/${encodeURIComponent(otherPatientDid)}/access-log`,
    `/v1/patients/${encodeURIComponent(otherPatientDid)}/records`,
    `/v1/patients/${encodeURIComponent(otherPatientDid)}/records?purpose=emergency&breakGlassReason=unconscious_patient`,
    `/v1/patients/${encodeURIComponent(otherPatientDid)}/summary`,
    `/v1/audit?patient=${encodeURIComponent(otherPatientDid)}`,
  ]) {
    cases.push({ name: `stranger patient GET ${path.slice(0, 40)}`, method: 'GET', path, token: stranger });
  }
  const users = org.users.filter((u) => !u.endsWith('-admin')).slice(0, 3);
  const tokens = await Promise.all(
    [`${orgName.toLowerCase()}-admin`, ...users].map((u) => devToken(info, orgName, u)),
  );
  const report = await sweep(baseUrl, cases, tokens, canary);
  const heightAfter = (await convergedTip(info)).height;
  const health = await fetch(`${baseUrl}/healthz`).then(
    (r) => r.status,
    () => 0,
  );
  return {
    ...report,
    failures:
      health === 200
        ? report.failures
        : [...report.failures, `gateway down after the sweep (${String(health)})`],
    heightBefore,
    heightAfter,
    gatewayPidSame: pidOf(orgProcesses(orgName).gateway) === gatewayPid,
  };
}
