import { CLINICAL_ROLES, type ListingReason, type Role } from '@medledger/domain';
import { decideAccess, type ActorFacts, type ConsentFacts, type RecordFacts } from './access-policy';

/** The opening of a listing: granted with its reason, or denied with it. */
export interface ListingDecision {
  outcome: 'granted' | 'denied';
  reason: ListingReason;
}

/**
 * Decides whether a caller may open a listing of a patient's records. A patient's listing rests on the
 * patient's own signature (checked before this), whoever relays it; a clinician's on being registered,
 * active clinical staff of a hospital. What a clinician then sees is decided per record by
 * {@link listsRecord}. Pure and deterministic.
 */
export function decideListing(actor: ActorFacts, patientSigned: boolean): ListingDecision {
  if (!actor.registered) return { outcome: 'denied', reason: 'NOT_REGISTERED' };
  // A freeze stops relaying a patient's own listing too: the frozen signer's org answers for the relay.
  if (actor.frozen) return { outcome: 'denied', reason: 'FROZEN' };
  if (!actor.active) return { outcome: 'denied', reason: 'INACTIVE' };
  if (patientSigned) return { outcome: 'granted', reason: 'PATIENT_SIGNED' };
  const clinical = actor.role !== null && (CLINICAL_ROLES as readonly Role[]).includes(actor.role);
  if (actor.orgKind !== 'hospital' || !clinical) return { outcome: 'denied', reason: 'ROLE_NOT_PERMITTED' };
  return { outcome: 'granted', reason: 'CLINICIAN' };
}

/**
 * Whether a clinician's listing shows a record: exactly when a treatment access to it would be granted
 * now (the access decision table: custodianship, department, consent scope, level), so a listing never
 * names a record its caller could not open. Erasure does not hide the metadata, which stays on chain:
 * the record is decided as if its content were there, and listed as erased.
 */
export function listsRecord(
  actor: ActorFacts,
  record: Omit<RecordFacts, 'erased'>,
  consents: readonly ConsentFacts[],
  nowMs: number,
): boolean {
  const decision = decideAccess({
    actor,
    record: { ...record, erased: false },
    purpose: 'treatment',
    studyId: null,
    breakGlassReason: null,
    consents,
    study: null,
    emergencyProfile: { categories: [], beyondProfile: 'never' },
    coSigned: false,
    nowMs,
  });
  return decision.outcome === 'granted';
}
