import { z } from 'zod';

/**
 * Staff roles. Hospitals have admin/attending/intern/nurse and `ethics` (a member of the hospital's
 * ethics committee, who approves or rejects research studies for that hospital); research institutes
 * researchers; regulators auditors; insurers claims adjusters.
 */
export const ROLES = [
  'admin',
  'attending',
  'intern',
  'nurse',
  'ethics',
  'researcher',
  'auditor',
  'adjuster',
] as const;
/** A staff role. */
export type Role = (typeof ROLES)[number];
/** zod: a staff role. */
export const roleSchema = z.enum(ROLES);

/** Roles each kind of org may hold. */
export const ROLES_BY_ORG_KIND = {
  hospital: ['admin', 'attending', 'intern', 'nurse', 'ethics'],
  research: ['admin', 'researcher'],
  regulator: ['admin', 'auditor'],
  insurer: ['admin', 'adjuster'],
  other: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * Roles that run identities rather than care or research. A change between one of these and any other
 * role needs two admins of the org (propose, then approve by another admin).
 */
export const ADMINISTRATIVE_ROLES = ['admin'] as const satisfies readonly Role[];

/**
 * Roles that oversee others' work: an ethics committee member's approval releases a hospital's data to
 * a study. Like the administrative roles, moving someone into or out of them needs two admins, so no
 * single admin can seat a colleague on the committee that approves their own study.
 */
export const OVERSIGHT_ROLES = ['ethics'] as const satisfies readonly Role[];

/** The class of a role for the two-person rule (a missing role counts as operational). */
export function roleClass(role: Role | null): 'administrative' | 'oversight' | 'operational' {
  if (role !== null && (ADMINISTRATIVE_ROLES as readonly Role[]).includes(role)) return 'administrative';
  if (role !== null && (OVERSIGHT_ROLES as readonly Role[]).includes(role)) return 'oversight';
  return 'operational';
}

/**
 * True when a role change crosses between role classes (administrative, oversight, the others), which
 * needs two admins.
 */
export function crossesAdministrativeBoundary(from: Role | null, to: Role): boolean {
  return roleClass(from) !== roleClass(to);
}

/** Clinical roles that may write records and read content for treatment. */
export const CLINICAL_ROLES = ['attending', 'intern', 'nurse'] as const satisfies readonly Role[];
/** Roles that count as doctors (break-glass). */
export const DOCTOR_ROLES = ['attending', 'intern'] as const satisfies readonly Role[];

/** Record data categories. */
export const DATA_CATEGORIES = [
  'diagnosis',
  'lab',
  'imaging',
  'medication',
  'genomic',
  'note',
  'vital',
  'allergy',
  'procedure',
  'immunization',
  'blood_type',
  'implant',
] as const;
/** A data category. */
export type DataCategory = (typeof DATA_CATEGORIES)[number];
/** zod: a data category. */
export const dataCategorySchema = z.enum(DATA_CATEGORIES);

/** Data levels: 1 public, 2 internal, 3 sensitive, 4 core (genomic). */
export const LEVELS = [1, 2, 3, 4] as const;
/** A data level. */
export type Level = (typeof LEVELS)[number];
/** zod: a data level. */
export const levelSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
/** zod: the level of a record (content lives in a private collection, so 3 or 4). */
export const recordLevelSchema = z.union([z.literal(3), z.literal(4)]);

/** FHIR resource types each category accepts. */
export const RESOURCE_TYPES_BY_CATEGORY = {
  diagnosis: ['Condition'],
  lab: ['Observation', 'DiagnosticReport'],
  imaging: ['ImagingStudy', 'DiagnosticReport'],
  medication: ['MedicationRequest', 'MedicationStatement'],
  genomic: ['MolecularSequence', 'Observation', 'DiagnosticReport'],
  note: ['DocumentReference'],
  vital: ['Observation'],
  allergy: ['AllergyIntolerance'],
  procedure: ['Procedure'],
  immunization: ['Immunization'],
  // ABO and Rh typing results, kept apart from other lab results so an emergency profile can open
  // them alone.
  blood_type: ['Observation'],
  // An implantation is recorded as the Procedure that placed the device (focalDevice); Device and
  // DeviceUseStatement are not record types yet.
  implant: ['Procedure'],
} as const satisfies Record<DataCategory, readonly FhirResourceType[]>;

/**
 * FHIR R4 resource types a record may hold: those of a patient summary (allergies, medication,
 * problems, results, procedures, immunizations, reports, documents) and imaging, prescriptions and
 * genomics.
 */
export const FHIR_RESOURCE_TYPES = [
  'AllergyIntolerance',
  'Condition',
  'Observation',
  'DiagnosticReport',
  'ImagingStudy',
  'MedicationRequest',
  'MedicationStatement',
  'MolecularSequence',
  'DocumentReference',
  'Procedure',
  'Immunization',
] as const;
/** Resource types a record may carry inline (`contained`), besides the record types themselves. */
export const FHIR_CONTAINED_RESOURCE_TYPES = [
  'Patient',
  'Practitioner',
  'Organization',
  'Medication',
  'Specimen',
] as const;

/** A known FHIR resource type. */
export type FhirResourceType = (typeof FHIR_RESOURCE_TYPES)[number];
/** zod: a known FHIR resource type. */
export const fhirResourceTypeSchema = z.enum(FHIR_RESOURCE_TYPES);

/** Purposes of use (FHIR Consent purpose, simplified). */
export const PURPOSES = ['treatment', 'research', 'insurance', 'emergency'] as const;
/** A purpose of use. */
export type Purpose = (typeof PURPOSES)[number];
/** zod: a purpose of use. */
export const purposeSchema = z.enum(PURPOSES);

/** Staff status; `deactivated` is final. */
export const STAFF_STATUSES = ['active', 'suspended', 'deactivated'] as const;
/** A staff status. */
export type StaffStatus = (typeof STAFF_STATUSES)[number];
/** zod: a staff status. */
export const staffStatusSchema = z.enum(STAFF_STATUSES);

/** Quality status of a record version. */
export const QUALITY_STATUSES = ['accepted', 'needs_review'] as const;
/** A quality status. */
export type QualityStatus = (typeof QUALITY_STATUSES)[number];
/** zod: a quality status. */
export const qualityStatusSchema = z.enum(QUALITY_STATUSES);

/** Reason codes of the data-quality gate that reject the content. */
const QUALITY_REJECT_REASONS = [
  'FHIR_SHAPE',
  'FHIR_TYPE_UNSUPPORTED',
  'FHIR_UNKNOWN_ELEMENT',
  'FHIR_CARDINALITY',
  'FHIR_PRIMITIVE',
  'FHIR_VALUE_SET',
  'FHIR_INVARIANT',
  'RESOURCE_TYPE_MISMATCH',
  'CATEGORY_MISMATCH',
  'CONTENT_TOO_LARGE',
  'ICD11_CODE_FORMAT',
  'LOINC_CODE_FORMAT',
] as const;

/**
 * Reason codes of the data-quality gate (one per rule of its table). `REJECT_REASONS` reject the
 * content; the others mark it `needs_review`.
 */
export const QUALITY_REASONS = [
  ...QUALITY_REJECT_REASONS,
  'FUTURE_DATE',
  'BIRTH_DATE_AGE_MISMATCH',
  'AGE_IMPLAUSIBLE',
  'ICD11_CODE_MISSING',
  'ICD11_CODE_UNKNOWN',
  'LOINC_CODE_MISSING',
  'LOINC_CODE_UNKNOWN',
  'VALUE_IMPLAUSIBLE',
  'UNIT_UNEXPECTED',
] as const;
/** A quality reason code. */
export type QualityReason = (typeof QUALITY_REASONS)[number];
/** zod: a quality reason code. */
export const qualityReasonSchema = z.enum(QUALITY_REASONS);
/** Reasons that reject content outright; any other reason marks it `needs_review`. */
export const REJECT_REASONS: readonly QualityReason[] = QUALITY_REJECT_REASONS;

/** Consent status (FHIR Consent.status, simplified). `expired` is derived from the period at read time. */
export const CONSENT_STATUSES = ['active', 'revoked', 'expired'] as const;
/** A consent status. */
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
/** zod: a consent status. */
export const consentStatusSchema = z.enum(CONSENT_STATUSES);

/** Access decision outcomes. */
export const ACCESS_OUTCOMES = ['granted', 'denied'] as const;
/** An access outcome. */
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];
/** zod: an access outcome. */
export const accessOutcomeSchema = z.enum(ACCESS_OUTCOMES);

/** Reason codes of access decisions (why granted or denied). */
export const ACCESS_REASONS = [
  'CUSTODIAN_TREATMENT',
  'CONSENT',
  'STUDY_CONSENT',
  'BREAK_GLASS',
  'BREAK_GLASS_COSIGNED',
  'NOT_REGISTERED',
  'INACTIVE',
  'ROLE_NOT_PERMITTED',
  'DEPARTMENT_MISMATCH',
  'PURPOSE_NOT_PERMITTED',
  'NO_CONSENT',
  'CONSENT_REVOKED',
  'CONSENT_EXPIRED',
  'CONSENT_SCOPE',
  'CONSENT_USE_EXHAUSTED',
  'LEVEL_NOT_PERMITTED',
  'STUDY_REQUIRED',
  'STUDY_INVALID',
  'STUDY_SITE_NOT_APPROVED',
  'REGULATOR_NO_CONTENT',
  'BREAK_GLASS_DISALLOWED',
  'BREAK_GLASS_REASON_REQUIRED',
  'CO_SIGNATURE_REQUIRED',
  'CONTENT_ERASED',
  'CLAIM_REVIEW_REQUIRED',
  'CLAIM_REVIEW_INVALID',
  'FROZEN',
] as const;
/** An access reason code. */
export type AccessReason = (typeof ACCESS_REASONS)[number];
/** zod: an access reason code. */
export const accessReasonSchema = z.enum(ACCESS_REASONS);

/** Stated reasons for break-glass access (codes only; free text could carry personal data). */
export const BREAK_GLASS_REASONS = [
  'life_threatening',
  'unconscious_patient',
  'urgent_treatment',
  'other_emergency',
] as const;
/** A break-glass reason. */
export type BreakGlassReason = (typeof BREAK_GLASS_REASONS)[number];
/** zod: a break-glass reason. */
export const breakGlassReasonSchema = z.enum(BREAK_GLASS_REASONS);

/**
 * Coded reasons a claims adjuster opens one record behind a claim (codes only; free text could carry
 * personal data). The patient's consent for the `insurance` purpose is needed as well.
 */
export const CLAIM_REVIEW_REASONS = [
  'medical_necessity',
  'coding_accuracy',
  'documentation_check',
  'suspected_fraud',
] as const;
/** A claim review reason. */
export type ClaimReviewReason = (typeof CLAIM_REVIEW_REASONS)[number];
/** zod: a claim review reason. */
export const claimReviewReasonSchema = z.enum(CLAIM_REVIEW_REASONS);

/** Outcomes of a post-hoc break-glass review. */
export const BREAK_GLASS_REVIEW_OUTCOMES = ['justified', 'unjustified'] as const;
/** zod: a break-glass review outcome. */
export const breakGlassReviewOutcomeSchema = z.enum(BREAK_GLASS_REVIEW_OUTCOMES);

/** Why content was erased. */
export const ERASURE_REASONS = ['patient_request', 'legal_order', 'data_error', 'retention_expired'] as const;
/** zod: an erasure reason. */
export const erasureReasonSchema = z.enum(ERASURE_REASONS);

/** How long an access grant for content reads lasts, in seconds. */
export const ACCESS_GRANT_TTL_SECONDS = 15 * 60;
/** How long a break-glass grant lasts, in seconds. */
export const BREAK_GLASS_TTL_SECONDS = 4 * 60 * 60;
/**
 * How long a break-glass request beyond the patient's emergency profile waits for a second attending's
 * co-signature, in seconds: long enough to call a colleague to the bedside, short enough that an old
 * request cannot be countersigned later in another context.
 */
export const CO_SIGN_WINDOW_SECONDS = 10 * 60;

/**
 * The emergency profile of a patient who never signed one: the emergency minimum of the International
 * Patient Summary (allergies, current medication, problems, immunizations) with blood type and
 * implants. Anything beyond it needs a second attending's co-signature.
 */
export const DEFAULT_EMERGENCY_CATEGORIES = [
  'allergy',
  'blood_type',
  'diagnosis',
  'immunization',
  'implant',
  'medication',
] as const satisfies readonly DataCategory[];

/**
 * What break-glass may do beyond the categories of a patient's emergency profile: `co_signed` (a
 * second attending of the same hospital co-signs within {@link CO_SIGN_WINDOW_SECONDS}) or `never`.
 */
export const BEYOND_PROFILE_RULES = ['co_signed', 'never'] as const;
/** zod: what break-glass may do beyond the emergency profile. */
export const beyondProfileSchema = z.enum(BEYOND_PROFILE_RULES);
/** Largest page of any paginated query. */
export const MAX_PAGE_SIZE = 100;
/** Page size when none is given. */
export const DEFAULT_PAGE_SIZE = 50;
