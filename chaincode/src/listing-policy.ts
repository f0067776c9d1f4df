import {
  CLINICAL_ROLES,
  DOCTOR_ROLES,
  type AccessReason,
  type BreakGlassReason,
  type EmergencyProfile,
  type ListingReason,
  type Role,
} from '@medledger/domain';
import {
  decideAccess,
  type AccessFacts,
  type ActorFacts,
  type ConsentFacts,
  type RecordFacts,
} from './access-policy';

/** The opening of a listing: granted with its reason, or denied with it. */
export interface ListingDecision {
  outcome: 'granted' | 'denied';
  reason: ListingReason;
}

/**
 * Decides whether a caller may open a listing of a patient's records. A patient's listing rests on the
 * patient's own signature (checked before this), whoever relays it; a clinician's on being registered,
 * active clinical staff of a hospital. An emergency listing (`emergency` given): a registered, active
 * doctor of a hospital (the roles break-glass allows), of a patient who signed an emergency profile.
 * What a clinician then sees is decided per record by {@link listsRecord}, in an emergency by
 * {@link listsEmergencyRecord}. Pure and deterministic.
 */
export function decideListing(
  actor: ActorFacts,
  patientSigned: boolean,
  emergency: { readonly hasProfile: boolean } | null = null,
): ListingDecision {
  if (!actor.registered) return { outcome: 'denied', reason: 'NOT_REGISTERED' };
  // A freeze stops relaying a patient's own listing too: the frozen signer's org answers for the relay.
  if (actor.frozen) return { outcome: 'denied', reason: 'FROZEN' };
  if (!actor.active) return { outcome: 'denied', reason: 'INACTIVE' };
  if (patientSigned) return { outcome: 'granted', reason: 'PATIENT_SIGNED' };
  if (emergency !== null) {
    const doctor = actor.role !== null && (DOCTOR_ROLES as readonly Role[]).includes(actor.role);
    if (actor.orgKind !== 'hospital' || !doctor) return { outcome: 'denied', reason: 'ROLE_NOT_PERMITTED' };
    if (!emergency.hasProfile) return { outcome: 'denied', reason: 'NO_EMERGENCY_PROFILE' };
    return { outcome: 'granted', reason: 'BREAK_GLASS' };
  }
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
  return (
    decidePresent(actor, record, nowMs, {
      purpose: 'treatment',
      breakGlassReason: null,
      consents,
      emergencyProfile: { categories: [], beyondProfile: 'never' },
    }) !== null
  );
}

/**
 * Whether an emergency listing shows a record: exactly when break-glass would open it on this one
 * doctor's word now (`BREAK_GLASS`: in the patient's signed profile, level 4 only at its custodian),
 * never what needs a co-signature, and nothing at all without a signed profile (`profile` null), so
 * an emergency listing cannot enumerate a patient's records beyond the profile.
 */
export function listsEmergencyRecord(
  actor: ActorFacts,
  record: Omit<RecordFacts, 'erased'>,
  profile: EmergencyProfile | null,
  reason: BreakGlassReason,
  nowMs: number,
): boolean {
  if (profile === null) return false;
  const granted = decidePresent(actor, record, nowMs, {
    purpose: 'emergency',
    breakGlassReason: reason,
    consents: [],
    emergencyProfile: profile,
  });
  return granted === 'BREAK_GLASS';
}

/** The reason of the access decision `facts` would get with the content present, `null` when denied. */
function decidePresent(
  actor: ActorFacts,
  record: Omit<RecordFacts, 'erased'>,
  nowMs: number,
  facts: Pick<AccessFacts, 'purpose' | 'breakGlassReason' | 'consents' | 'emergencyProfile'>,
): AccessReason | null {
  const decision = decideAccess({
    ...facts,
    actor,
    record: { ...record, erased: false },
    studyId: null,
    study: null,
    coSigned: false,
    nowMs,
  });
  return decision.outcome === 'granted' ? decision.reason : null;
}
