/**
 * What a code may be, for research output: the code systems whose codes survive de-identification,
 * each with a check of its codes, and the codes admitted by the `code` elements that survive. A code
 * survives only when it is provably a code of a known terminology (its form, its check digit or its
 * membership in a published list), so that a name, a record number or a free-text note typed into a
 * `code`, a `Coding.code` or a unit never reaches a researcher. Local code systems (a hospital's own
 * URLs) are dropped: their codes can be anything.
 *
 * The lists here are R4's: `deidentify-codes.test.ts` checks each enumeration against the required
 * value set it names and each HL7 code-system list against the R4 CodeSystem, from `@medledger/fhir`.
 */
import { ICD11_SYSTEM, isIcd11Code, isLoincCode, LOINC_SYSTEM, UCUM_SYSTEM } from './clinical-codes';

/** The codes a `code` element (or an enumerated string) admits. */
export interface CodeEnumeration {
  /** The R4 required value set the codes are the expansion of; `null` where R4 publishes none. */
  readonly valueSet: string | null;
  readonly codes: readonly string[];
}

const vs = (name: string, codes: readonly string[]): CodeEnumeration => ({
  valueSet: `http://hl7.org/fhir/ValueSet/${name}`,
  codes,
});

/** The `code` elements that survive, by what they hold. */
export const CODE_ENUMERATIONS = {
  allergyType: vs('allergy-intolerance-type', ['allergy', 'intolerance']),
  allergyCategory: vs('allergy-intolerance-category', ['biologic', 'environment', 'food', 'medication']),
  allergyCriticality: vs('allergy-intolerance-criticality', ['high', 'low', 'unable-to-assess']),
  reactionSeverity: vs('reaction-event-severity', ['mild', 'moderate', 'severe']),
  observationStatus: vs('observation-status', [
    'amended',
    'cancelled',
    'corrected',
    'entered-in-error',
    'final',
    'preliminary',
    'registered',
    'unknown',
  ]),
  diagnosticReportStatus: vs('diagnostic-report-status', [
    'amended',
    'appended',
    'cancelled',
    'corrected',
    'entered-in-error',
    'final',
    'partial',
    'preliminary',
    'registered',
    'unknown',
  ]),
  imagingStudyStatus: vs('imagingstudy-status', [
    'available',
    'cancelled',
    'entered-in-error',
    'registered',
    'unknown',
  ]),
  medicationRequestStatus: vs('medicationrequest-status', [
    'active',
    'cancelled',
    'completed',
    'draft',
    'entered-in-error',
    'on-hold',
    'stopped',
    'unknown',
  ]),
  medicationRequestIntent: vs('medicationrequest-intent', [
    'filler-order',
    'instance-order',
    'option',
    'order',
    'original-order',
    'plan',
    'proposal',
    'reflex-order',
  ]),
  requestPriority: vs('request-priority', ['asap', 'routine', 'stat', 'urgent']),
  medicationStatementStatus: vs('medication-statement-status', [
    'active',
    'completed',
    'entered-in-error',
    'intended',
    'not-taken',
    'on-hold',
    'stopped',
    'unknown',
  ]),
  sequenceType: vs('sequence-type', ['aa', 'dna', 'rna']),
  orientation: vs('orientation-type', ['antisense', 'sense']),
  strand: vs('strand-type', ['crick', 'watson']),
  sequenceQuality: vs('quality-type', ['indel', 'snp', 'unknown']),
  documentStatus: vs('document-reference-status', ['current', 'entered-in-error', 'superseded']),
  compositionStatus: vs('composition-status', ['amended', 'entered-in-error', 'final', 'preliminary']),
  eventStatus: vs('event-status', [
    'completed',
    'entered-in-error',
    'in-progress',
    'not-done',
    'on-hold',
    'preparation',
    'stopped',
    'unknown',
  ]),
  immunizationStatus: vs('immunization-status', ['completed', 'entered-in-error', 'not-done']),
  comparator: vs('quantity-comparator', ['<', '<=', '>', '>=']),
  unitOfTime: vs('units-of-time', ['a', 'd', 'h', 'min', 'mo', 's', 'wk']),
  dayOfWeek: vs('days-of-week', ['fri', 'mon', 'sat', 'sun', 'thu', 'tue', 'wed']),
  // R4 binds Attachment.contentType to BCP 13 (all MIME types), which it cannot enumerate: these are
  // the document and image types of clinical content; any other type is dropped.
  mimeType: {
    valueSet: null,
    codes: [
      'application/dicom',
      'application/fhir+json',
      'application/fhir+xml',
      'application/json',
      'application/pdf',
      'application/xml',
      'image/gif',
      'image/jpeg',
      'image/png',
      'image/tiff',
      'text/html',
      'text/plain',
      'text/rtf',
      'text/xml',
    ],
  },
  // MolecularSequence.referenceSeq.genomeBuild is a string; these are the builds in use (NCBI and UCSC
  // names). Any other text is dropped.
  genomeBuild: {
    valueSet: null,
    codes: ['GRCh37', 'GRCh38', 'NCBI36', 'NCBI37', 'T2T-CHM13', 'hg18', 'hg19', 'hg38'],
  },
} as const satisfies Record<string, CodeEnumeration>;

const hl7 = (name: string): string => `http://terminology.hl7.org/CodeSystem/${name}`;

/**
 * HL7 code systems whose codes survive in a `Coding` or `CodeableConcept`, with every code of the R4
 * CodeSystem (abstract `_` grouping codes left out).
 */
export const HL7_CODE_SYSTEMS: Readonly<Record<string, readonly string[]>> = {
  [hl7('observation-category')]: [
    'social-history',
    'vital-signs',
    'imaging',
    'laboratory',
    'procedure',
    'survey',
    'exam',
    'therapy',
    'activity',
  ],
  [hl7('condition-category')]: ['problem-list-item', 'encounter-diagnosis'],
  [hl7('condition-clinical')]: ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'],
  [hl7('condition-ver-status')]: [
    'unconfirmed',
    'provisional',
    'differential',
    'confirmed',
    'refuted',
    'entered-in-error',
  ],
  [hl7('allergyintolerance-clinical')]: ['active', 'inactive', 'resolved'],
  [hl7('allergyintolerance-verification')]: ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'],
  [hl7('data-absent-reason')]: [
    'unknown',
    'asked-unknown',
    'temp-unknown',
    'not-asked',
    'asked-declined',
    'masked',
    'not-applicable',
    'unsupported',
    'as-text',
    'error',
    'not-a-number',
    'negative-infinity',
    'positive-infinity',
    'not-performed',
    'not-permitted',
  ],
  [hl7('v3-ObservationInterpretation')]: [
    'CAR',
    'Carrier',
    'B',
    'D',
    'U',
    'W',
    '<',
    '>',
    'AC',
    'IE',
    'QCF',
    'TOX',
    'A',
    'AA',
    'HH',
    'LL',
    'H',
    'H>',
    'HU',
    'L',
    'L<',
    'LU',
    'N',
    'I',
    'MS',
    'NCL',
    'NS',
    'R',
    'SYN-R',
    'S',
    'SDD',
    'SYN-S',
    'VS',
    'EX',
    'HX',
    'LX',
    'HM',
    'ObservationInterpretationDetection',
    'IND',
    'E',
    'NEG',
    'ND',
    'POS',
    'DET',
    'ObservationInterpretationExpectation',
    'EXP',
    'UNE',
    'OBX',
    'ReactivityObservationInterpretation',
    'NR',
    'RR',
    'WR',
  ],
  [hl7('referencerange-meaning')]: [
    'type',
    'normal',
    'recommended',
    'treatment',
    'therapeutic',
    'pre',
    'post',
    'endocrine',
    'pre-puberty',
    'follicular',
    'midcycle',
    'luteal',
    'postmenopausal',
  ],
  [hl7('v2-0074')]: [
    'AU',
    'BG',
    'BLB',
    'CG',
    'CH',
    'CP',
    'CT',
    'CTH',
    'CUS',
    'EC',
    'EN',
    'GE',
    'HM',
    'ICU',
    'IMG',
    'IMM',
    'LAB',
    'MB',
    'MCB',
    'MYC',
    'NMR',
    'NMS',
    'NRS',
    'OSL',
    'OT',
    'OTH',
    'OUS',
    'PAR',
    'PAT',
    'PF',
    'PHR',
    'PHY',
    'PT',
    'RAD',
    'RC',
    'RT',
    'RUS',
    'RX',
    'SP',
    'SR',
    'TX',
    'URN',
    'VR',
    'VUS',
    'XRC',
  ],
  [hl7('medication-statement-category')]: ['inpatient', 'outpatient', 'community', 'patientspecified'],
  [hl7('medicationrequest-category')]: ['inpatient', 'outpatient', 'community', 'discharge'],
  [hl7('medicationrequest-course-of-therapy')]: ['continuous', 'acute', 'seasonal'],
  [hl7('medicationrequest-status-reason')]: [
    'altchoice',
    'clarif',
    'drughigh',
    'hospadm',
    'labint',
    'non-avail',
    'preg',
    'salg',
    'sddi',
    'sdupther',
    'sintol',
    'surg',
    'washout',
  ],
  [hl7('immunization-origin')]: ['provider', 'record', 'recall', 'school', 'jurisdiction'],
  [hl7('immunization-funding-source')]: ['private', 'public'],
  [hl7('immunization-program-eligibility')]: ['ineligible', 'uninsured'],
  [hl7('immunization-subpotent-reason')]: ['partial', 'coldchainbreak', 'recall'],
  [hl7('v3-Confidentiality')]: [
    'L',
    'M',
    'N',
    'R',
    'U',
    'V',
    'B',
    'D',
    'I',
    'ETH',
    'HIV',
    'PSY',
    'SDV',
    'C',
    'S',
    'T',
  ],
  [hl7('dose-rate-type')]: ['calculated', 'ordered'],
  [hl7('chromosome-human')]: [
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '10',
    '11',
    '12',
    '13',
    '14',
    '15',
    '16',
    '17',
    '18',
    '19',
    '20',
    '21',
    '22',
    'X',
    'Y',
  ],
};

/** SNOMED CT's code system. */
export const SNOMED_SYSTEM = 'http://snomed.info/sct';

/** The data-absent-reason code system and extension (R4 core). */
export const DATA_ABSENT_REASON_SYSTEM = hl7('data-absent-reason');

// Verhoeff's dihedral-group tables, which SNOMED CT identifiers use for their check digit.
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
] as const;
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
] as const;

function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    c = VERHOEFF_D[c]?.[VERHOEFF_P[i % 8]?.[digit] ?? 0] ?? -1;
  }
  return c === 0;
}

/**
 * Whether a string is a SNOMED CT concept id: 6 to 18 digits, no leading zero, a concept partition
 * (`00` or `10` before the check digit) and a valid Verhoeff check digit.
 */
export function isSnomedConceptId(code: string): boolean {
  return /^[1-9]\d{5,17}$/.test(code) && /[01]0\d$/.test(code) && verhoeffValid(code);
}

// DICOM CID 29, the acquisition modalities (ImagingStudy.modality).
const DICOM_MODALITIES = new Set(
  'AR BMD BDUS EPS CR CT DX ECG ES XC GM HD IO IVOCT IVUS KER LS MG MR NM OAM OCT OPM OP OPR OPT OPV OSS PX PT RF RG SM SRF US VA XA'.split(
    ' ',
  ),
);

// UCUM, the subset of it clinical quantities use: atoms that take a metric prefix, atoms that do not,
// and the annotations of common clinical units. An annotation (`{...}`) is free text in UCUM, so only
// these survive.
const UCUM_METRIC_ATOMS = [
  'm',
  's',
  'g',
  'rad',
  'K',
  'C',
  'cd',
  'mol',
  'sr',
  'Hz',
  'N',
  'Pa',
  'J',
  'W',
  'A',
  'V',
  'F',
  'Ohm',
  'S',
  'Wb',
  'T',
  'H',
  'lm',
  'lx',
  'Bq',
  'Gy',
  'Sv',
  'L',
  'l',
  'eq',
  'osm',
  'U',
  'kat',
  'Cel',
  'bar',
  't',
  'm[Hg]',
  'm[H2O]',
  '[IU]',
  '[iU]',
  'cal',
  'B',
  'Np',
  'eV',
];
const UCUM_OTHER_ATOMS = [
  '10*',
  '10^',
  '%',
  '[ppth]',
  '[ppm]',
  '[ppb]',
  '[pptr]',
  'min',
  'h',
  'd',
  'wk',
  'mo',
  'a',
  '[degF]',
  '[in_i]',
  '[ft_i]',
  '[lb_av]',
  '[oz_av]',
  '[gr]',
  '[drp]',
  '[pH]',
  "[arb'U]",
  "[USP'U]",
  '[CFU]',
  '[HPF]',
  '[LPF]',
  '[tsp_us]',
  '[tbs_us]',
  '[foz_us]',
  'deg',
  '[pi]',
];
const UCUM_PREFIXES = [
  'Y',
  'Z',
  'E',
  'P',
  'T',
  'G',
  'M',
  'k',
  'h',
  'da',
  'd',
  'c',
  'm',
  'u',
  'n',
  'p',
  'f',
  'a',
];
const UCUM_ANNOTATIONS = new Set(['1.73_m2', 'cells', 'score', 'beats', 'breaths', 'RBCs', 'copies']);
const UCUM_UNITS: readonly string[] = [
  ...UCUM_OTHER_ATOMS,
  ...UCUM_METRIC_ATOMS,
  ...UCUM_PREFIXES.flatMap((p) => UCUM_METRIC_ATOMS.map((a) => p + a)),
].sort((a, b) => b.length - a.length);

/** Whether `unit[at..]` is a UCUM term ending exactly at `end` (backtracking over unit prefixes). */
function ucumTerm(unit: string, at: number, depth: number): number | undefined {
  let i = at;
  if (unit[i] === '/') i++;
  for (;;) {
    const next = ucumComponent(unit, i, depth);
    if (next === undefined) return undefined;
    i = next;
    if (unit[i] !== '.' && unit[i] !== '/') return i;
    i++;
  }
}

function ucumComponent(unit: string, at: number, depth: number): number | undefined {
  if (unit[at] === '(') {
    if (depth > 4) return undefined;
    const end = ucumTerm(unit, at + 1, depth + 1);
    return end !== undefined && unit[end] === ')' ? ucumAnnotation(unit, end + 1) : undefined;
  }
  if (unit[at] === '{') return ucumAnnotation(unit, at);
  const factor = /^\d+/.exec(unit.slice(at));
  if (factor && !/^10[*^]/.test(unit.slice(at))) return ucumAnnotation(unit, at + factor[0].length);
  for (const atom of UCUM_UNITS) {
    if (!unit.startsWith(atom, at)) continue;
    const exponent = /^[+-]?\d+/.exec(unit.slice(at + atom.length));
    const end = ucumAnnotation(unit, at + atom.length + (exponent?.[0].length ?? 0));
    if (end !== undefined && (end === unit.length || '.)/'.includes(unit[end] ?? ''))) return end;
  }
  return undefined;
}

function ucumAnnotation(unit: string, at: number): number | undefined {
  if (unit[at] !== '{') return at;
  const close = unit.indexOf('}', at);
  return close > at && UCUM_ANNOTATIONS.has(unit.slice(at + 1, close)) ? close + 1 : undefined;
}

/** Whether a string is a UCUM unit code (of the atoms and annotations clinical units use). */
export function isUcumUnit(code: string): boolean {
  return code.length > 0 && code.length <= 64 && ucumTerm(code, 0, 0) === code.length;
}

/** How the codes of each known terminology are checked. */
const TERMINOLOGIES: Readonly<Record<string, (code: string) => boolean>> = {
  [LOINC_SYSTEM]: (c) => isLoincCode(c) || /^L[AP]\d{1,8}-\d$/.test(c),
  [SNOMED_SYSTEM]: isSnomedConceptId,
  [ICD11_SYSTEM]: isIcd11Code,
  'http://hl7.org/fhir/sid/icd-10': (c) => /^[A-Z]\d{2}(\.\d{1,2})?$/.test(c),
  'http://hl7.org/fhir/sid/icd-10-cm': (c) => /^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$/.test(c),
  'http://www.whocc.no/atc': (c) => /^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$/.test(c),
  'http://hl7.org/fhir/sid/cvx': (c) => /^\d{1,3}$/.test(c),
  'http://www.nlm.nih.gov/research/umls/rxnorm': (c) => /^[1-9]\d{0,9}$/.test(c),
  'http://dicom.nema.org/resources/ontology/DCM': (c) => DICOM_MODALITIES.has(c),
  [UCUM_SYSTEM]: isUcumUnit,
  ...Object.fromEntries(
    Object.entries(HL7_CODE_SYSTEMS).map(([system, codes]) => {
      const set = new Set(codes);
      return [system, (c: string) => set.has(c)];
    }),
  ),
};

/** Whether `code` is a code of the known terminology `system` (false for any other system). */
export function isKnownCode(system: unknown, code: unknown): boolean {
  if (typeof system !== 'string' || typeof code !== 'string') return false;
  const check = Object.hasOwn(TERMINOLOGIES, system) ? TERMINOLOGIES[system] : undefined;
  return check !== undefined && check(code);
}
