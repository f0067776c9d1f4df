/**
 * Names of the key families (composite-key object types). Keys themselves are built only in the
 * chaincode's ledger-access layer; these names are shared so that tools can recognise keys.
 *
 * Public keys never hold a patient DID (a block reaches every org). Keys of the sealed collections
 * that index by patient hold a keyed hash of the DID (HMAC with the collection's own key), because
 * every block carries the SHA-256 of each private key written: a plain DID in a private key could be
 * confirmed by hashing guesses.
 */
export const KeyFamily = {
  /** Public: the consortium (peer orgs and the regulator), written once at deployment. */
  consortium: 'consortium',
  /** Public: a staff DID document, by org and enrollment id. */
  staff: 'staff',
  /** Public: a patient's keys and status, by patient key (a digest of the DID, never the DID). */
  patient: 'patient',
  /** Public: a used nonce of a patient's signed payload, by a digest of DID and nonce. */
  nonce: 'nonce',
  /**
   * Public: the `iat` of the newest payload of one type a patient signed that the ledger accepted, by
   * patient key (the digest of the DID) and payload type (older ones are refused: no rollback by
   * relaying an old payload).
   */
  signedIat: 'patient~iat',
  /** Public: the pending or last role change of a staff member, by org and enrollment id. */
  staffRoleChange: 'staff~rolechange',
  /** Public, write-once: that a consent was granted to an org (no patient, no terms). */
  consent: 'consent',
  /** Public, bound: how many access grants a use-limited consent gave, by consent. */
  consentUse: 'consent~use',
  /** Public, write-once: the grantee's attestation that copies made under a consent were deleted. */
  deletionAttestation: 'deletion~attestation',
  /** Public, write-once: that a consent was revoked. */
  revocation: 'revocation',
  /** Public: standing preferences of a patient, by patient key. */
  preferences: 'prefs',
  /** Public, write-once: the anchor of one version of a record, by custodian, record and version. */
  anchor: 'anchor',
  /** Public, write-once: the quality review of a version. */
  qualityReview: 'quality-review',
  /** Public, write-once: an erasure (anchored content) or purge (staged content) of a version. */
  erasure: 'erasure',
  /**
   * Public, bound: what a record's latest version shows as read (its anchor, quality review and
   * erasure), by custodian and record; rewritten by every transaction that changes it, so a read of the
   * latest version is one point read. Receipt in the custodian's sealed collection; changed only by the
   * custodian's and the regulator's peers together. Holds nothing the anchor, review and erasure
   * records do not already show.
   */
  recordLatest: 'record~latest',
  /** Public: a suspension of a staff member after an unjustified break-glass access. */
  suspension: 'suspension',
  /**
   * Public, bound: a freeze of a person's or an org's access, by freeze id; receipt in the regulator's
   * sealed collection, changed only by the frozen org's and the regulator's peers together.
   */
  freeze: 'freeze',
  /**
   * Public index: the freezes of a subject (staff DID or MSP ID), by subject and freeze id; guarded like
   * the freeze, so no two orgs can delete an entry to hide a freeze.
   */
  freezeBySubject: 'freeze~subject',
  /**
   * Sealed (regulator only): an incident, by incident id. Only the regulator's peer holds it; the orgs
   * it concerns read it through that peer.
   */
  incident: 'incident',
  /** Public: a study. */
  study: 'study',
  /**
   * Public, bound: the lead's part of a study's governance (phase, sites, quorum, protocol), by study;
   * receipt in the study org's sealed collection, changed only with that org's endorsement.
   */
  studyGovernance: 'study~governance',
  /**
   * Public, bound: one site's ethics decision on a study, by study and site; receipt in the site's
   * sealed collection, changed only with the site's endorsement.
   */
  studyDecision: 'study~decision',
  /**
   * Public, bound: a site's task in a study, by study, site and task; receipt in the study org's
   * sealed collection, written once by the lead.
   */
  studyTask: 'study~task',
  /**
   * Public, bound: a site's verified contribution to a study, by study, site and transaction; receipt
   * in the site's sealed collection, written once by the site. Counts and the dataset hash only.
   */
  studyContribution: 'study~contribution',
  /**
   * Sealed (site): that a record was contributed to a study, under a keyed hash of study and record
   * (the block carries the key's hash, which could otherwise be matched against guessed record ids).
   */
  contributedRecord: 'study~used',
  /**
   * Public, bound: a site's model update in a federated round (hash and sample count), by study,
   * round and site; receipt in the site's sealed collection, written once by the site.
   */
  studyUpdate: 'study~update',
  /**
   * Public, bound: a federated round's aggregate (hash, sites used, Merkle root), by study and round;
   * receipt in the study org's sealed collection, written once by the lead.
   */
  studyRound: 'study~round',
  /**
   * Public, bound: a study's result (model or paper) with its resolved lineage, by study and result;
   * receipt in the study org's sealed collection, written once by the lead.
   */
  studyResult: 'study~result',
  /**
   * Public, bound: the anchor of an SD-JWT credential issued from a record (hash and issuer key), by
   * custodian and hash; receipt in the custodian's sealed collection, written once.
   */
  credential: 'credential',
  /**
   * Sealed (site): a patient's contribution award, by its tag (an HMAC under the site's collection key
   * of study, site and patient; never a study pseudonym).
   */
  contributionAward: 'award',
  /** Sealed index (site): the awards of a patient (keyed hash of the DID), by tag. */
  awardByPatient: 'award~patient',
  /** Sealed: the collection's own secret key (keyed hashes and value salts), written once. */
  collectionKey: 'collection-key',
  /** Custodians' collection: the study pseudonym secret, written once at deployment. */
  studySecret: 'study-secret',
  /** Sealed: a receipt binding a public value to the orgs that endorsed it, by digest of the public key. */
  receipt: 'receipt',
  /** Sealed (insurer): a coverage with its patient and card secret, by coverage id. */
  coverage: 'coverage',
  /** Sealed (insurer): what adjudication has used of a coverage, and the line keys it approved. */
  coverageUsage: 'coverage~usage',
  /** Sealed (provider and insurer, the same value in both): a claim, by provider and claim id. */
  claim: 'claim',
  /** Sealed (provider and insurer): a settlement entry, by pair and entry id. */
  settlementEntry: 'settlement-entry',
  /** Sealed (provider and insurer): that a batch settled an entry, by pair and entry id. */
  settledEntry: 'settlement-entry~settled',
  /**
   * Sealed (provider and insurer): that an approval or adjustment is open (no batch settled it yet), by
   * pair, currency, posting time and entry id, so that a pair's open entries are read oldest first
   * without reading its history. Written with the entry, deleted by the batch that settles it.
   */
  openEntry: 'settlement-entry~open',
  /** Sealed (provider and insurer): a closed settlement batch, by pair and batch id. */
  settlementBatch: 'settlement-batch',
  /** Sealed (provider and insurer): a dispute, by pair and dispute id. */
  dispute: 'dispute',
  /** Sealed (provider): that a claim line is disputed (once per line), by claim and line. */
  disputedLine: 'dispute~line',
  /** Sealed (custodian): the patient of a record. */
  recordPatient: 'record-patient',
  /** Sealed index (custodian): records of a patient (keyed hash of the DID). */
  recordsByPatient: 'record~patient',
  /** Sealed (caller's org): a record listing decision (audit and what it lets the caller read). */
  recordListing: 'listing',
  /** Sealed index (caller's org): listings of a patient (keyed hash of the DID), newest first. */
  listingByPatient: 'listing~patient',
  /** Sealed (custodian): a patient's own access to their summary records (audit and what it opens). */
  patientAccess: 'patient-access',
  /** Sealed index (custodian): patient accesses of a patient (keyed hash of the DID), newest first. */
  patientAccessByPatient: 'patient-access~patient',
  /** Sealed (custodian): a patient's erasure request and its answer. */
  erasureRequest: 'erasure-request',
  /** Sealed index (custodian): erasure requests of a patient (keyed hash of the DID). */
  erasureRequestByPatient: 'erasure-request~patient',
  /** Sealed (grantee): a consent with its signed payload and terms. */
  consentTerms: 'consent-terms',
  /** Sealed index (grantee): consents of a patient (keyed hash of the DID). */
  consentByPatient: 'consent~patient',
  /** Sealed index (grantee): consents of a grantee (org, staff DID or study). */
  consentByGrantee: 'consent~grantee',
  /** Sealed (custodian): an access grant, by access (audit event) id. */
  accessGrant: 'access',
  /** Sealed (custodian): a break-glass case. */
  breakGlass: 'breakglass',
  /** Sealed (custodian): a break-glass request beyond the emergency profile, waiting for a co-signature. */
  breakGlassRequest: 'breakglass~request',
  /** Sealed (custodian), write-once: the co-signature a break-glass request got. */
  breakGlassCoSign: 'breakglass~cosign',
  /** Sealed (custodian): one review of a break-glass case, by case and sequence number (appended). */
  breakGlassReview: 'breakglass~review',
  /**
   * Sealed (custodian): how many reviews a break-glass case has. A transaction that writes may not
   * range-scan private data (Fabric cannot check such a scan for phantoms), so a review finds the
   * earlier ones by number, not by a scan.
   */
  breakGlassReviewCount: 'breakglass~reviews',
  /** Sealed (custodian): an audit event, by event id. */
  audit: 'audit',
  /** Sealed index (custodian): audit events of a patient, newest first (keyed hash of the DID). */
  auditByPatient: 'audit~patient',
  /** Sealed index (custodian): audit events of an actor, newest first. */
  auditByActor: 'audit~actor',
  /** Sealed index (custodian): audit events of a record, newest first. */
  auditByRecord: 'audit~record',
  /**
   * Sealed (custodian): a data-use receipt of one delivered copy, by access id and content hash
   * (docs/leak-tracing.md).
   */
  dataUse: 'datause',
  /** Sealed index (custodian): data-use receipts by keyed hash of a delivered content or resource hash. */
  dataUseByHash: 'datause~hash',
  /** Sealed index (custodian): data-use receipts by keyed hash of a row's per-export pseudonym. */
  dataUseByPseudonym: 'datause~pseudonym',
  /** Sealed index (custodian): data-use receipts of one export, by export id. */
  dataUseByExport: 'datause~export',
  /** Private (custodian's implicit collection): a content envelope, by record and version. */
  content: 'content',
  /** Private (custodian's implicit collection): the quality verdict of staged content. */
  verdict: 'verdict',
  /**
   * Private (custodian's implicit collection): a content's data key, wrapped by a key-encryption key
   * held outside the ledger; purged with the content (crypto-shredding).
   */
  dataKey: 'data-key',
  /**
   * Private (custodian's implicit collection): the last key-rotation batch (active KEK id, counts, tx).
   * Every batch writes it, so a batch with nothing left to move still writes to the implicit
   * collection and is validated under the custodian-only policy (a transaction with no writes is
   * validated under the chaincode's policy, which one org cannot meet).
   */
  dataKeyRotation: 'data-key-rotation',
} as const;

/** A key family name. */
export type KeyFamily = (typeof KeyFamily)[keyof typeof KeyFamily];

/**
 * A composite key in Fabric's format (`createCompositeKey`: U+0000, the object type, then each
 * attribute followed by U+0000), for tools that recognise keys in write sets and blocks. The chaincode
 * builds its keys with the shim, in its ledger layer only.
 */
export function fabricCompositeKey(family: string, parts: readonly string[]): string {
  return `\u0000${family}\u0000${parts.map((p) => `${p}\u0000`).join('')}`;
}
