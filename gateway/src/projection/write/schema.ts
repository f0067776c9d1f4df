/**
 * The projection's schema, one text for every dialect. Every projected row carries the tx id and
 * block number it came from, so an auditor can check it against the ledger. `seq` is the ledger order
 * (assigned by the projector, so no dialect-specific auto-increment is needed). Patient columns are
 * null in id-only rows: a gateway fills them only from the sealed collections its org is a member of
 * (`sealed-source.ts`).
 *
 * `audit_report_groups` leads with the report's GROUP BY columns and covers the time filter, so the
 * report scans one index in group order without a sort; the partial `audit_break_glass_time` keeps
 * break-glass cases a small range scan.
 *
 * Version 3: id-only rows enriched from the sealed collections, appended break-glass reviews, records
 * per custodian, and `patient_key_event` (a patient's key registration, rotations and recoveries,
 * shown in their access log), keyed by the patient key (the digest of the DID the events carry, never
 * the DID). Version 4: `access_freeze` (the regulator's freezes of a person or an org, lifted or not),
 * `insurance_event` (the insurance events, ids and orgs only, one row per transaction) and
 * `erasure_request` (patients' erasure requests and their answers). Version 5: each consent's
 * `keep_until` and its deletion attestation (who, when, late), and `incident` (the regulator's incidents
 * as their events show them: an id, when opened, when closed). Version 6: each access's stated
 * break-glass reason and co-signer (`CoSignBreakGlass`: the second attending and their org), the
 * `emergency_listing` table (doctors' emergency listings of a patient's records, the patient and the
 * profile's categories from the listing org's sealed collection) and reviews of either kind
 * (`break_glass_review.kind`, no record for a listing). A projection of an older version refuses
 * to open until it is rebuilt (`npm run projection:rebuild`).
 */
import type { Dialect } from './sql/driver';

/** Bumped when the schema changes; a projection with another version must be rebuilt. */
export const SCHEMA_VERSION = 6;

const TABLES = `
CREATE TABLE IF NOT EXISTS projection_meta (
  id INTEGER PRIMARY KEY,
  schema_version INTEGER NOT NULL,
  block_number BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  seq BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_tx (
  seq SEQ_PK,
  block_number BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  event_name TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL,
  valid INTEGER NOT NULL,
  UNIQUE (block_number, tx_id)
);
CREATE TABLE IF NOT EXISTS audit_event (
  seq SEQ_PK,
  event_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL,
  record_id TEXT NOT NULL,
  patient_did TEXT,
  custodian TEXT NOT NULL,
  actor_did TEXT NOT NULL,
  actor_msp TEXT NOT NULL,
  actor_role TEXT,
  purpose TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  consent_id TEXT,
  break_glass INTEGER NOT NULL,
  break_glass_reason TEXT,
  co_signer_did TEXT,
  co_signer_msp TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_event (tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_patient ON audit_event (patient_did, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_event (actor_did, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_actor_org ON audit_event (actor_msp, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_custodian ON audit_event (custodian, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_record ON audit_event (record_id, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_purpose ON audit_event (purpose, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_by_outcome ON audit_event (outcome, tx_time_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS audit_event_id ON audit_event (event_id);
CREATE INDEX IF NOT EXISTS audit_report_groups ON audit_event (outcome, reason, purpose, actor_msp, custodian, tx_time_ms);
CREATE INDEX IF NOT EXISTS audit_break_glass_time ON audit_event (tx_time_ms, seq) WHERE break_glass = 1;
CREATE TABLE IF NOT EXISTS break_glass_review (
  tx_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  access_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  record_id TEXT,
  custodian TEXT NOT NULL,
  actor_did TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reviewed_by TEXT NOT NULL,
  by_regulator INTEGER NOT NULL,
  suspended INTEGER NOT NULL,
  tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL,
  block_number BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_by_access ON break_glass_review (access_id, seq);
CREATE TABLE IF NOT EXISTS emergency_listing (
  listing_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL,
  actor_did TEXT NOT NULL,
  actor_msp TEXT NOT NULL,
  actor_role TEXT,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  break_glass_reason TEXT,
  patient_did TEXT,
  categories TEXT
);
CREATE INDEX IF NOT EXISTS emergency_listing_by_time ON emergency_listing (tx_time_ms, seq);
CREATE TABLE IF NOT EXISTS consent (
  consent_id TEXT PRIMARY KEY,
  grantee_org TEXT NOT NULL,
  patient_did TEXT,
  grantee TEXT,
  status TEXT NOT NULL,
  period_end TEXT NOT NULL,
  period_end_ms BIGINT NOT NULL,
  granted_at TEXT NOT NULL,
  grant_tx_id TEXT NOT NULL,
  grant_block BIGINT NOT NULL,
  revoked_at TEXT,
  revoke_tx_id TEXT,
  revoke_block BIGINT,
  keep_until TEXT,
  keep_until_ms BIGINT,
  attested_at TEXT,
  attested_at_ms BIGINT,
  attested_by TEXT,
  attest_late INTEGER,
  attest_tx_id TEXT,
  attest_block BIGINT
);
CREATE INDEX IF NOT EXISTS consent_by_end ON consent (period_end_ms);
CREATE INDEX IF NOT EXISTS consent_by_keep_until ON consent (keep_until_ms) WHERE keep_until_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS consent_by_attested ON consent (attested_at_ms) WHERE attested_at_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_by_consent ON audit_event (consent_id) WHERE consent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS record_version (
  custodian TEXT NOT NULL,
  record_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  quality_status TEXT NOT NULL,
  anchored_at TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  reviewed_by TEXT,
  reviewed_at TEXT,
  review_tx_id TEXT,
  review_block BIGINT,
  PRIMARY KEY (custodian, record_id, version)
);
CREATE INDEX IF NOT EXISTS record_by_quality ON record_version (quality_status);
CREATE TABLE IF NOT EXISTS erasure (
  tx_id TEXT PRIMARY KEY,
  block_number BIGINT NOT NULL,
  record_id TEXT NOT NULL,
  versions TEXT NOT NULL,
  custodian TEXT NOT NULL,
  reason TEXT NOT NULL,
  staged INTEGER NOT NULL,
  tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS erasure_request (
  request_id TEXT PRIMARY KEY,
  custodian TEXT NOT NULL,
  record_id TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  requested_at_ms BIGINT NOT NULL,
  due_at TEXT NOT NULL,
  due_at_ms BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  answer TEXT,
  refusal TEXT,
  answered_at TEXT,
  answered_at_ms BIGINT,
  late INTEGER,
  answer_tx_id TEXT,
  answer_block BIGINT
);
CREATE INDEX IF NOT EXISTS erasure_request_by_due ON erasure_request (due_at_ms);
CREATE TABLE IF NOT EXISTS patient_key_event (
  seq BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  patient_key TEXT NOT NULL,
  key_number INTEGER NOT NULL,
  key_change TEXT NOT NULL,
  relayed_by TEXT NOT NULL,
  tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL,
  UNIQUE (block_number, tx_id)
);
CREATE INDEX IF NOT EXISTS patient_key_by_patient ON patient_key_event (patient_key, tx_time_ms DESC, seq DESC);
CREATE TABLE IF NOT EXISTS access_freeze (
  freeze_id TEXT PRIMARY KEY,
  subject_kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  org TEXT NOT NULL,
  reason TEXT NOT NULL,
  incident_id TEXT,
  frozen_by TEXT NOT NULL,
  status TEXT NOT NULL,
  frozen_at TEXT NOT NULL,
  frozen_at_ms BIGINT NOT NULL,
  lifted_at TEXT,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  lift_tx_id TEXT
);
CREATE INDEX IF NOT EXISTS freeze_by_status ON access_freeze (status, frozen_at_ms);
CREATE TABLE IF NOT EXISTS staff (
  did TEXT PRIMARY KEY,
  org TEXT NOT NULL,
  role TEXT,
  status TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS insurance_event (
  seq BIGINT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  event_name TEXT NOT NULL,
  insurer TEXT NOT NULL,
  provider TEXT,
  subject_id TEXT NOT NULL,
  detail TEXT,
  tx_time TEXT NOT NULL,
  tx_time_ms BIGINT NOT NULL,
  UNIQUE (block_number, tx_id)
);
CREATE INDEX IF NOT EXISTS insurance_by_pair ON insurance_event (insurer, provider, tx_time_ms);
CREATE TABLE IF NOT EXISTS incident (
  incident_id TEXT PRIMARY KEY,
  opened_at TEXT NOT NULL,
  opened_at_ms BIGINT NOT NULL,
  closed_at TEXT,
  tx_id TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  close_tx_id TEXT
);
CREATE INDEX IF NOT EXISTS incident_open_since ON incident (opened_at_ms) WHERE closed_at IS NULL;
`;

/** Tables, dropped in this order by a rebuild. */
export const TABLE_NAMES = [
  'projection_meta',
  'ledger_tx',
  'audit_event',
  'break_glass_review',
  'emergency_listing',
  'consent',
  'record_version',
  'erasure',
  'erasure_request',
  'patient_key_event',
  'access_freeze',
  'staff',
  'insurance_event',
  'incident',
] as const;

/** The DDL of the schema in a dialect. */
export function schemaDdl(dialect: Dialect): string {
  if (dialect === 'sqlite') {
    // In SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index.
    return TABLES.replaceAll('SEQ_PK', 'INTEGER PRIMARY KEY');
  }
  // Byte order for text, as SQLite's BINARY: the same ORDER BY answers whatever the database's
  // locale, and indexes compare bytes (faster than a linguistic collation).
  return TABLES.replaceAll('SEQ_PK', 'BIGINT PRIMARY KEY').replace(/\bTEXT\b/g, 'TEXT COLLATE "C"');
}
