/**
 * De-identification at source, for research: the custodian's chaincode turns a FHIR R4 record into
 * what a researcher may see, by an allow-list per resource type (`deidentify-allow-list.ts`): what the
 * list does not name is dropped. The subject becomes a per-study pseudonym. Checked against HIPAA Safe
 * Harbor's 18 identifiers (45 CFR 164.514(b)(2)), in {@link SAFE_HARBOR_CHECKLIST}.
 *
 * Rules this module keeps (its tests check each):
 * - Nothing the list does not name survives, wherever it sits; a string survives only when it is a
 *   code of a known terminology or of an enumeration (`deidentify-codes.ts`), a year, or the pseudonym.
 * - The output of valid R4 is valid R4: a required element that cannot survive is masked with the
 *   data-absent reason `masked` (or the subject pseudonym); where R4 admits no mask (a required status
 *   code that is not one of its codes, a modifier extension or `implicitRules` on the resource) there
 *   is no research form and {@link deidentify} returns `null`.
 * - Pure and deterministic: the release year comes from the caller (the transaction time), the
 *   pseudonym from a key; no clock, no random source.
 */
import { createHmac } from 'node:crypto';
import { FHIR_RESOURCE_TYPES, type FhirResourceType } from '@medledger/domain';
import { ALLOW_LIST } from './deidentify-allow-list';
import { applyShape, isObject, type Json } from './deidentify-rules';

/** One of Safe Harbor's identifiers, where it can occur in a record, and how the allow-list removes it. */
export interface SafeHarborIdentifier {
  /** The letter of 45 CFR 164.514(b)(2)(i). */
  readonly item: string;
  readonly identifier: string;
  /** The elements of the supported resources that can hold it; empty when none can (free text only). */
  readonly occursIn: readonly string[];
  readonly removedBy: string;
}

/**
 * HIPAA Safe Harbor's 18 identifiers, the checklist the allow-list is held to. Two of them, (L)
 * vehicle identifiers and (O) IP addresses, cannot occur in a FHIR clinical resource at all: no element
 * of any R4 clinical resource holds them, so they can only be typed into free text, which never
 * survives. (P) biometric identifiers have no element of their own either; they can only be carried
 * by an attachment, sampled data or a genomic sequence, all of which go.
 */
export const SAFE_HARBOR_CHECKLIST: readonly SafeHarborIdentifier[] = [
  {
    item: 'A',
    identifier: 'names',
    occursIn: [
      'HumanName (contained Patient, Practitioner)',
      'Reference.display',
      'Annotation.authorString',
      'valueHumanName',
      'free text',
    ],
    removedBy: 'no HumanName, display, annotation or free-text element is on the list',
  },
  {
    item: 'B',
    identifier: 'geographic subdivisions smaller than a state (address, city, county, ZIP code, geocodes)',
    occursIn: [
      'Address (contained Patient, Organization)',
      'valueAddress',
      'references to a Location',
      'free text',
    ],
    removedBy: 'no Address element is on the list; references other than the subject go',
  },
  {
    item: 'C',
    identifier:
      'all elements of dates (except year) related to the individual; ages over 89 and dates indicative of them',
    occursIn: [
      'every date, dateTime, instant and Period',
      'Age and age Ranges (onset, performed, reference range)',
      'age and birth-date observations',
      'Timing.event',
    ],
    removedBy:
      'dates keep their year (instants become a year or go, timing events go); an age over 89 becomes 90 or older (>= 90 a); a birth year goes once the person is 90 in the release year; contained Patients (birthDate) go',
  },
  {
    item: 'D',
    identifier: 'telephone numbers',
    occursIn: ['ContactPoint (telecom of contained resources)', 'valueContactPoint'],
    removedBy: 'no ContactPoint element is on the list',
  },
  {
    item: 'E',
    identifier: 'fax numbers',
    occursIn: ['ContactPoint with system fax'],
    removedBy: 'no ContactPoint element is on the list',
  },
  {
    item: 'F',
    identifier: 'email addresses',
    occursIn: ['ContactPoint with system email'],
    removedBy: 'no ContactPoint element is on the list',
  },
  {
    item: 'G',
    identifier: 'social security numbers',
    occursIn: ['Identifier (identifier, masterIdentifier, Reference.identifier, valueIdentifier)'],
    removedBy: 'no Identifier element is on the list',
  },
  {
    item: 'H',
    identifier: 'medical record numbers',
    occursIn: ['Identifier', 'resource and element ids', 'Reference.reference'],
    removedBy: 'no Identifier, id or reference is kept; the subject is the study pseudonym',
  },
  {
    item: 'I',
    identifier: 'health plan beneficiary numbers',
    occursIn: ['Identifier', 'references to a Coverage'],
    removedBy: 'no Identifier element or reference is on the list',
  },
  {
    item: 'J',
    identifier: 'account numbers',
    occursIn: ['Identifier', 'references to an Account'],
    removedBy: 'no Identifier element or reference is on the list',
  },
  {
    item: 'K',
    identifier: 'certificate and license numbers',
    occursIn: ['Identifier (Practitioner.qualification)'],
    removedBy: 'no Identifier element is on the list; contained Practitioners go',
  },
  {
    item: 'L',
    identifier: 'vehicle identifiers and serial numbers, license plates',
    occursIn: [],
    removedBy: 'cannot occur in a FHIR clinical resource but as free text, which goes',
  },
  {
    item: 'M',
    identifier: 'device identifiers and serial numbers',
    occursIn: [
      'references to a Device (Observation.device, MolecularSequence.device, Procedure.focalDevice)',
      'Immunization.lotNumber',
      'DICOM UIDs (ImagingStudy)',
    ],
    removedBy: 'references, lot numbers and instance data go; a series UID is masked',
  },
  {
    item: 'N',
    identifier: 'web URLs',
    occursIn: [
      'uri, url and canonical elements (Attachment.url, instantiatesUri, repository.url)',
      'extension URLs',
      'Reference.reference',
    ],
    removedBy: 'no URL is kept but the code system URLs of the known terminologies',
  },
  {
    item: 'O',
    identifier: 'IP addresses',
    occursIn: [],
    removedBy: 'cannot occur in a FHIR clinical resource but as free text, which goes',
  },
  {
    item: 'P',
    identifier: 'biometric identifiers (finger and voice prints)',
    occursIn: ['Attachment', 'SampledData (valueSampledData)', 'MolecularSequence sequences and alleles'],
    removedBy: 'attachments keep only their MIME type; sampled data and sequence text go',
  },
  {
    item: 'Q',
    identifier: 'full-face photographs and comparable images',
    occursIn: ['Attachment (Patient.photo, DocumentReference.content, DiagnosticReport.presentedForm)'],
    removedBy: 'attachments keep only their MIME type, marked masked',
  },
  {
    item: 'R',
    identifier: 'any other unique identifying number, characteristic or code',
    occursIn: [
      'ids',
      'Identifier',
      'references',
      'local codes',
      'Coding.display and text',
      'extensions',
      'meta',
      'narrative',
    ],
    removedBy:
      'only codes of known terminologies survive, never their display; extensions, meta and narrative go; the only identifier is the per-study pseudonym',
  },
];

/** Length in hex digits of a study pseudonym: 128 bits, well inside a FHIR id's 64 characters. */
export const PSEUDONYM_HEX_DIGITS = 32;

/** Least length of a study key: 128 bits. */
export const MIN_STUDY_KEY_BYTES = 16;

/**
 * The research pseudonym of a patient in a study: HMAC-SHA-256 under the study's secret key of the
 * study id and the patient DID, in hex, cut to 128 bits (a valid FHIR id). The same patient gets the
 * same pseudonym wherever the same study key is used for the same study, and unlinkable pseudonyms in
 * two studies; without the key, a pseudonym cannot be told from random, nor tested against a guessed
 * DID. The study id is in the message too, so a key used for two studies by mistake still gives two
 * pseudonyms. Throws a RangeError for a key under 128 bits (a programming error, never input).
 */
export function studyPseudonym(studyKey: Uint8Array, studyId: string, patientDid: string): string {
  if (studyKey.length < MIN_STUDY_KEY_BYTES) throw new RangeError('a study key has at least 128 bits');
  return createHmac('sha256', studyKey)
    .update(`medledger-study-pseudonym-v1\u0000${studyId}\u0000${patientDid}`)
    .digest('hex')
    .slice(0, PSEUDONYM_HEX_DIGITS);
}

/** What {@link deidentify} needs besides the resource. */
export interface DeidentifyOptions {
  /** The subject's pseudonym in this study ({@link studyPseudonym}). */
  readonly pseudonym: string;
  /** The year of release (the transaction time's): a birth year goes once the person is 90 in it. */
  readonly releaseYear: number;
}

const SUPPORTED = new Set<string>(FHIR_RESOURCE_TYPES);

function containedById(resource: Json): Map<string, Json> {
  const byId = new Map<string, Json>();
  for (const c of Array.isArray(resource.contained) ? resource.contained : []) {
    if (isObject(c) && typeof c.id === 'string' && !byId.has(c.id)) byId.set(c.id, c);
  }
  return byId;
}

/**
 * De-identifies a FHIR R4 record for research, by the allow-list of its resource type: codes of known
 * terminologies, quantities, booleans, enumerated codes and years survive; ages over 89 are grouped;
 * the subject is `Patient/<pseudonym>`; everything else is dropped. Returns `null` for a resource
 * that has no research form: a type outside the record types, a resource whose meaning a modifier
 * extension or `implicitRules` may change, or one whose required status is not one of its codes.
 */
export function deidentify(resource: Json, options: DeidentifyOptions): Json | null {
  const type = resource.resourceType;
  if (typeof type !== 'string' || !SUPPORTED.has(type) || resource.implicitRules !== undefined) return null;
  const ctx = { ...options, contained: containedById(resource) };
  const out = applyShape(ALLOW_LIST[type as FhirResourceType], resource, ctx);
  return out === undefined ? null : { resourceType: type, ...out };
}
