import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  canonicalJson,
  CanonicalJsonError,
  exceedsJsonDepth,
  MAX_JSON_DEPTH,
  DATA_CATEGORIES,
  FHIR_RESOURCE_TYPES,
  RESOURCE_TYPES_BY_CATEGORY,
  ChaincodeError,
  collectionEndorsementPolicy,
  endorsingOrgs,
  decodeCompactJws,
  ErrorCode,
  generatePatientKey,
  isSafeKeyPart,
  keyPartProblem,
  orgSlugOf,
  patientPublicJwkSchema,
  parseChaincodeError,
  parseStaffDid,
  patientKeyOf,
  qualifiedName,
  sealedCollection,
  sealedCollections,
  signCompactJws,
  staffDid,
  transactions,
  verifyCompactJws,
  verifyDecodedJws,
  type DecodedJws,
} from './index';

void describe('ids', () => {
  void it('when a key part holds U+0000, U+10FFFF, a control or a lone surrogate, then it is unsafe', () => {
    for (const bad of [
      'a\u0000b',
      'a\u{10FFFF}',
      'a\u0007',
      'a\ud800b',
      '',
      'x'.repeat(129),
      'a\ufdd0',
      'a\u202e',
    ]) {
      assert.equal(isSafeKeyPart(bad), false, JSON.stringify(bad));
    }
  });
  void it('when a key part is not NFC, then it is unsafe', () => {
    assert.equal(keyPartProblem('e\u0301'), 'not_nfc');
    assert.equal(isSafeKeyPart('\u00e9'), true);
  });
  void it('when an MSP id is mapped, then the slug and staff DID follow the convention', () => {
    assert.equal(orgSlugOf('Hospital1MSP'), 'hospital1');
    assert.equal(staffDid('Hospital1MSP', 'doc-7'), 'did:medledger:hospital1:doc-7');
    assert.deepEqual(parseStaffDid('did:medledger:hospital1:doc-7'), {
      orgSlug: 'hospital1',
      enrollmentId: 'doc-7',
    });
    assert.equal(parseStaffDid('did:medledger:patient:abcdefgh'), undefined);
  });
});

void describe('canonical JSON', () => {
  void it('when keys are in any order, then the output is identical and sorted', () => {
    assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined }), '{"a":[true,null,"x"],"b":1}');
    assert.equal(canonicalJson({ a: { d: 1, c: 2 } }), canonicalJson({ a: { c: 2, d: 1 } }));
  });
  void it('when a value is not representable, then it throws', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }));
    assert.throws(() => canonicalJson([undefined]));
    assert.throws(() => canonicalJson({ a: new Date(0) }));
  });
  void it('when a value nests deeper than the bound (issue 12 hole 13), then canonicalJson refuses it with TOO_DEEP instead of overflowing the stack', () => {
    // Arrays 1,849 to 2,720 deep passed the gateway's body parser and overflowed the recursion here.
    const nested = (depth: number, wrap: (inner: unknown) => unknown): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = wrap(value);
      return value;
    };
    for (const depth of [MAX_JSON_DEPTH + 1, 2_000, 2_720, 100_000]) {
      for (const wrap of [(v: unknown) => [v], (v: unknown) => ({ a: v })]) {
        const value = nested(depth, wrap);
        assert.throws(
          () => canonicalJson(value),
          (err: unknown) => err instanceof CanonicalJsonError && err.code === 'TOO_DEEP',
        );
        assert.equal(exceedsJsonDepth(value), true);
      }
    }
    const deepest = nested(MAX_JSON_DEPTH, (v) => [v]);
    assert.equal(canonicalJson(deepest), `${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}`);
    assert.equal(exceedsJsonDepth(deepest), false);
    assert.equal(exceedsJsonDepth({ a: [1, { b: [] }] }, 4), false);
    assert.equal(exceedsJsonDepth({ a: [1, { b: [[]] }] }, 4), true);
    assert.equal(exceedsJsonDepth('scalar', 0), false);
  });
  void it('when any JSON value is round-tripped, then canonical output is stable', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalJson(v);
        assert.equal(canonicalJson(JSON.parse(once)), once);
      }),
    );
  });
});

void describe('errors', () => {
  void it('when Fabric wraps a chaincode message, then the code is still parsed', () => {
    const msg = `error in simulation: transaction returned with failure: ${new ChaincodeError(ErrorCode.NOT_FOUND, 'rec-1').message}`;
    assert.deepEqual(parseChaincodeError(msg), { code: 'NOT_FOUND', detail: 'rec-1' });
    assert.equal(parseChaincodeError('[NOPE] x'), undefined);
  });
});

void describe('jws', () => {
  void it('when a payload is signed, then it verifies with the public key only', () => {
    const { publicJwk, privateJwk } = generatePatientKey();
    const jws = signCompactJws({ hello: 'world' }, privateJwk, 'did:medledger:patient:abcdefgh#key-1');
    assert.deepEqual(verifyCompactJws(jws, publicJwk).payload, { hello: 'world' });
    const other = generatePatientKey();
    assert.throws(() => verifyCompactJws(jws, other.publicJwk));
  });
  void it('when the header says alg none, then decoding rejects it', () => {
    const h = Buffer.from('{"alg":"none","kid":"k"}').toString('base64url');
    const p = Buffer.from('{}').toString('base64url');
    assert.throws(() => decodeCompactJws(`${h}.${p}.${'A'.repeat(86)}`));
  });
});

void describe('transactions', () => {
  void it('when the registry is read, then every name is qualified by its contract', () => {
    assert.equal(qualifiedName('AnchorRecord'), 'record:AnchorRecord');
    assert.equal(qualifiedName('LoadSyntheticAuditEvents'), 'bench:LoadSyntheticAuditEvents');
    assert.equal(qualifiedName('RewrapDataKeys'), 'record:RewrapDataKeys');
    assert.equal(qualifiedName('SubmitClaim'), 'insurance:SubmitClaim');
    assert.equal(qualifiedName('ListPatientRecords'), 'listing:ListPatientRecords');
    assert.equal(qualifiedName('TraceLeak'), 'trace:TraceLeak');
    assert.equal(qualifiedName('OpenPatientAccess'), 'summary:OpenPatientAccess');
    assert.equal(qualifiedName('RequestErasure'), 'erasure:RequestErasure');
    assert.equal(qualifiedName('FreezeAccess'), 'freeze:FreezeAccess');
    assert.equal(qualifiedName('LinkIncidentEvents'), 'incident:LinkIncidentEvents');
    assert.equal(qualifiedName('CoSignBreakGlass'), 'access:CoSignBreakGlass');
    assert.equal(qualifiedName('RecordContribution'), 'studywork:RecordContribution');
    assert.equal(qualifiedName('ConfirmPatientRecord'), 'listing:ConfirmPatientRecord');
    assert.equal(qualifiedName('ResolveAccessConsents'), 'consent:ResolveAccessConsents');
    assert.equal(Object.keys(transactions).length, 95);
  });
});

const CONSORTIUM = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP'];

void describe('sealed collections and endorsers', () => {
  void it('when the consortium is rendered, then each org gets a collection with the regulator, needing both to endorse', () => {
    const specs = sealedCollections(CONSORTIUM);
    assert.deepEqual(
      specs.map((c) => [c.name, c.members, collectionEndorsementPolicy(c)]),
      [
        [
          'sealed-hospital1',
          ['Hospital1MSP', 'RegulatorMSP'],
          "AND('Hospital1MSP.peer', 'RegulatorMSP.peer')",
        ],
        [
          'sealed-hospital2',
          ['Hospital2MSP', 'RegulatorMSP'],
          "AND('Hospital2MSP.peer', 'RegulatorMSP.peer')",
        ],
        ['sealed-research', ['ResearchMSP', 'RegulatorMSP'], "AND('ResearchMSP.peer', 'RegulatorMSP.peer')"],
        ['sealed-regulator', ['RegulatorMSP'], "AND('RegulatorMSP.peer')"],
      ],
    );
    assert.throws(() => sealedCollections(['Hospital1MSP', 'Hospital2MSP']), /exactly one regulator/);
  });

  void it('when a transaction names its parties, then the registry picks the custodian, grantee or caller with the regulator', () => {
    const parties = {
      caller: 'Hospital2MSP',
      orgs: CONSORTIUM,
      custodian: 'Hospital1MSP',
      granteeOrg: 'ResearchMSP',
    };
    assert.deepEqual(endorsingOrgs(transactions.AccessRecord.endorsement, parties), [
      'Hospital1MSP',
      'RegulatorMSP',
    ]);
    assert.deepEqual(endorsingOrgs(transactions.GrantConsent.endorsement, parties), [
      'ResearchMSP',
      'RegulatorMSP',
    ]);
    assert.deepEqual(endorsingOrgs(transactions.RevokeConsent.endorsement, parties), [
      'Hospital2MSP',
      'RegulatorMSP',
    ]);
    assert.deepEqual(endorsingOrgs(transactions.StageRecordContent.endorsement, parties), ['Hospital2MSP']);
    assert.deepEqual(endorsingOrgs(transactions.VerifyRecord.endorsement, parties), ['Hospital2MSP']);
    assert.deepEqual(endorsingOrgs(transactions.ReadRecordContent.endorsement, parties), ['Hospital1MSP']);
    assert.deepEqual(endorsingOrgs(transactions.InitConsortium.endorsement, parties), CONSORTIUM);
    assert.deepEqual(
      endorsingOrgs(transactions.InstallStudySecret.endorsement, parties),
      CONSORTIUM.filter((o) => o !== 'ResearchMSP'),
    );
    assert.equal(endorsingOrgs(transactions.RegisterStaff.endorsement, parties), undefined);
    // The regulator relaying: a public write needs a second org.
    assert.deepEqual(endorsingOrgs('caller+regulator', { ...parties, caller: 'RegulatorMSP' }), [
      'RegulatorMSP',
      'Hospital1MSP',
    ]);
    assert.throws(
      () => endorsingOrgs('custodian+regulator', { caller: 'Hospital2MSP', orgs: CONSORTIUM }),
      /custodian/,
    );
  });

  void it('when a claim or its settlement is written, then the provider, the insurer and the regulator endorse, and the insurer answers a card holder', () => {
    const orgs = [...CONSORTIUM, 'InsurerMSP'];
    const parties = { caller: 'Hospital2MSP', orgs, insurer: 'InsurerMSP' };
    assert.deepEqual(endorsingOrgs(transactions.SubmitClaim.endorsement, parties), [
      'Hospital2MSP',
      'InsurerMSP',
      'RegulatorMSP',
    ]);
    assert.deepEqual(
      endorsingOrgs(transactions.ResolveDispute.endorsement, {
        ...parties,
        caller: 'InsurerMSP',
        provider: 'Hospital1MSP',
      }),
      ['Hospital1MSP', 'InsurerMSP', 'RegulatorMSP'],
    );
    assert.deepEqual(endorsingOrgs(transactions.GetClaimContext.endorsement, parties), ['InsurerMSP']);
    assert.throws(
      () => endorsingOrgs('provider+insurer+regulator', { caller: 'Hospital2MSP', orgs }),
      /insurer/,
    );
  });

  void it('when a patient DID is keyed for public state, then the key is a digest that does not contain it', () => {
    const did = 'did:medledger:patient:abcdefgh12';
    assert.match(patientKeyOf(did), /^[0-9a-f]{64}$/);
    assert.notEqual(patientKeyOf(did), patientKeyOf(`${did}3`));
    assert.equal(sealedCollection('Hospital1MSP'), 'sealed-hospital1');
  });
});

/**
 * GB/T 32918.5-2017 Annex A (the same example as GM/T 0003.5-2012 Annex A): the signature of the
 * message "message digest" on the recommended curve by the standard's key, with the default
 * distinguishing identifier 1234567812345678 that GM/T 0009 fixes and SM2SM3 uses.
 */
const GBT_32918_5_ANNEX_A = {
  x: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  y: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};
const annexJwk = {
  kty: 'EC' as const,
  crv: 'SM2' as const,
  x: Buffer.from(GBT_32918_5_ANNEX_A.x, 'hex').toString('base64url'),
  y: Buffer.from(GBT_32918_5_ANNEX_A.y, 'hex').toString('base64url'),
};
function annexSignature(alg: 'ES256' | 'SM2SM3', message = 'message digest'): DecodedJws {
  return {
    header: { alg, kid: 'did:medledger:patient:gbt32918#key-1' },
    payload: {},
    signingInput: message,
    signature: Buffer.from(GBT_32918_5_ANNEX_A.r + GBT_32918_5_ANNEX_A.s, 'hex'),
  };
}

void describe('SM2SM3 patient signatures', () => {
  void it("when the standard's Annex A signature is verified as SM2SM3 with its key, then it verifies; as ES256, or over another message, then not", () => {
    assert.equal(patientPublicJwkSchema.safeParse(annexJwk).success, true);
    assert.equal(verifyDecodedJws(annexSignature('SM2SM3'), annexJwk), true);
    assert.equal(verifyDecodedJws(annexSignature('ES256'), annexJwk), false);
    assert.equal(verifyDecodedJws(annexSignature('SM2SM3', 'message digesT'), annexJwk), false);
  });
  void it('when an SM2 key signs, then the header says SM2SM3 and only that key verifies it; a P-256 key with the same coordinates never does', () => {
    const { publicJwk, privateJwk } = generatePatientKey('SM2SM3');
    assert.equal(publicJwk.crv, 'SM2');
    const jws = signCompactJws({ hello: 'sm' }, privateJwk, 'did:medledger:patient:abcdefgh#key-1');
    assert.equal(decodeCompactJws(jws).header.alg, 'SM2SM3');
    assert.deepEqual(verifyCompactJws(jws, publicJwk).payload, { hello: 'sm' });
    assert.throws(() => verifyCompactJws(jws, generatePatientKey('SM2SM3').publicJwk));
    assert.throws(() => verifyCompactJws(jws, { ...publicJwk, crv: 'P-256' }));
  });
  void it('when a JWK names SM2 with a point off the SM2 curve (a P-256 point), then it is refused', () => {
    const { publicJwk } = generatePatientKey('ES256');
    assert.equal(patientPublicJwkSchema.safeParse({ ...publicJwk, crv: 'SM2' }).success, false);
    assert.equal(patientPublicJwkSchema.safeParse({ ...annexJwk, crv: 'P-256' }).success, false);
    assert.equal(patientPublicJwkSchema.safeParse({ ...annexJwk, crv: 'sm2' }).success, false);
  });
});

void describe('patient public keys', () => {
  void it('when a JWK is a real P-256 key, then it is accepted; when its point is off the curve, then refused', () => {
    const { publicJwk } = generatePatientKey();
    assert.equal(patientPublicJwkSchema.safeParse(publicJwk).success, true);
    const offCurve = {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.alloc(32, 1).toString('base64url'),
      y: Buffer.alloc(32, 2).toString('base64url'),
    };
    assert.equal(patientPublicJwkSchema.safeParse(offCurve).success, false);
  });
});

void describe('vocabulary', () => {
  void it('when record types and categories are read, then every record type has a category and every category a type', () => {
    const typed = new Set<string>(DATA_CATEGORIES.flatMap((c) => RESOURCE_TYPES_BY_CATEGORY[c]));
    assert.deepEqual(
      FHIR_RESOURCE_TYPES.filter((t) => !typed.has(t)),
      [],
    );
    assert.deepEqual(RESOURCE_TYPES_BY_CATEGORY.allergy, ['AllergyIntolerance']);
    assert.deepEqual(RESOURCE_TYPES_BY_CATEGORY.procedure, ['Procedure']);
    assert.deepEqual(RESOURCE_TYPES_BY_CATEGORY.immunization, ['Immunization']);
  });
});
