/**
 * Names of the key families (composite-key object types). Keys themselves are built only in the
 * chaincode's ledger-access layer; these names are shared so that tools can recognise keys.
 */
export const KeyFamily = {
  /** Public: a staff DID document, by org and enrollment id. */
  staff: 'staff',
  /** Public: a patient DID document, by patient DID. */
  patient: 'patient',
  /** Public: a used nonce of a patient's signed payload (replay protection). */
  nonce: 'nonce',
  /**
   * Public: the `iat` of the newest payload of one type a patient signed that the ledger accepted, by
   * patient DID and payload type (older ones are refused: no rollback by relaying an old payload).
   */
  signedIat: 'patient~iat',
  /** Public: the pending or last role change of a staff member, by org and enrollment id. */
  staffRoleChange: 'staff~rolechange',
  /** Public: a consent, by consent id. */
  consent: 'consent',
  /** Public index: consents of a patient (empty values). */
  consentByPatient: 'consent~patient',
  /** Public index: consents of a grantee (empty values). */
  consentByGrantee: 'consent~grantee',
  /** Public: standing preferences of a patient. */
  preferences: 'prefs',
  /** Public: the latest anchor of a record. */
  record: 'record',
  /** Public: the anchor of one version of a record. */
  recordVersion: 'record~version',
  /** Public: an erasure record. */
  erasure: 'erasure',
  /** Public: an access grant, by access (audit event) id. */
  accessGrant: 'access',
  /** Public: a break-glass case. */
  breakGlass: 'breakglass',
  /** Public: an audit event, by event id. */
  audit: 'audit',
  /** Public index: audit events of a patient, newest first (empty values). */
  auditByPatient: 'audit~patient',
  /** Public index: audit events of an actor, newest first (empty values). */
  auditByActor: 'audit~actor',
  /** Public index: audit events of a record, newest first (empty values). */
  auditByRecord: 'audit~record',
  /** Public: a study. */
  study: 'study',
  /** Private (custodian's implicit collection): a content envelope, by record and version. */
  content: 'content',
  /** Private (custodian's implicit collection): the quality verdict of staged content. */
  verdict: 'verdict',
} as const;

/** A key family name. */
export type KeyFamily = (typeof KeyFamily)[keyof typeof KeyFamily];
