/**
 * The code lists the quality gate checks against: the ICD-11 codes MedLedger's records use and the
 * LOINC labs and vital signs whose values it checks for plausibility. Small on purpose, and grown
 * with the project: a code that is well formed but not listed sends its record to review, it does
 * not reject it. Where each list was written down from is in docs/fhir-quality-gate.md.
 */

/** The ICD-11 MMS coding system URI. */
export const ICD11_SYSTEM = 'http://id.who.int/icd/release/11/mms';
/** The LOINC coding system URI. */
export const LOINC_SYSTEM = 'http://loinc.org';
/** The UCUM system URI (units of valueQuantity). */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/** ICD-11 MMS chapters of the listed codes: number and title. */
export const ICD11_CHAPTERS = {
  '01': 'Certain infectious or parasitic diseases',
  '02': 'Neoplasms',
  '03': 'Diseases of the blood or blood-forming organs',
  '04': 'Diseases of the immune system',
  '05': 'Endocrine, nutritional or metabolic diseases',
  '06': 'Mental, behavioural or neurodevelopmental disorders',
  '08': 'Diseases of the nervous system',
  '11': 'Diseases of the circulatory system',
  '12': 'Diseases of the respiratory system',
  '13': 'Diseases of the digestive system',
  '15': 'Diseases of the musculoskeletal system or connective tissue',
  '16': 'Diseases of the genitourinary system',
  '25': 'Codes for special purposes',
} as const;
/** An ICD-11 chapter number. */
export type Icd11Chapter = keyof typeof ICD11_CHAPTERS;

/** ICD-11 MMS stem codes MedLedger knows: code -> [chapter, title]. */
export const ICD11_CODES: Readonly<Record<string, readonly [Icd11Chapter, string]>> = {
  '1A00': ['01', 'Cholera'],
  '2C25': ['02', 'Malignant neoplasms of bronchus or lung'],
  '2C25.0': ['02', 'Adenocarcinoma of bronchus or lung'],
  '3A00': ['03', 'Iron deficiency anaemia'],
  '4A84': ['04', 'Anaphylaxis'],
  '5A00': ['05', 'Hypothyroidism'],
  '5A10': ['05', 'Type 1 diabetes mellitus'],
  '5A11': ['05', 'Type 2 diabetes mellitus'],
  '5B81': ['05', 'Obesity'],
  '6A70': ['06', 'Single episode depressive disorder'],
  '6A71': ['06', 'Recurrent depressive disorder'],
  '6B00': ['06', 'Generalised anxiety disorder'],
  '8A80': ['08', 'Migraine'],
  '8B10': ['08', 'Transient ischaemic attack'],
  '8B11': ['08', 'Cerebral ischaemic stroke'],
  BA00: ['11', 'Essential hypertension'],
  BA01: ['11', 'Hypertensive heart disease'],
  BA41: ['11', 'Acute myocardial infarction'],
  'BC81.3': ['11', 'Atrial fibrillation'],
  BD10: ['11', 'Congestive heart failure'],
  CA22: ['12', 'Chronic obstructive pulmonary disease'],
  CA23: ['12', 'Asthma'],
  CA40: ['12', 'Pneumonia'],
  DA22: ['13', 'Gastro-oesophageal reflux disease'],
  FA01: ['15', 'Osteoarthritis of knee'],
  FA20: ['15', 'Rheumatoid arthritis'],
  GB60: ['16', 'Acute kidney failure'],
  GB61: ['16', 'Chronic kidney disease'],
  RA01: ['25', 'COVID-19'],
  'RA01.0': ['25', 'COVID-19, virus identified'],
};

// A stem code (1A00, BA00.0, 2C25.Z) or an extension code (X...), post-coordinated with & or /.
// I and O are not used in ICD-11 codes.
const ICD11_STEM = '[1-9A-HJ-NP-Z][A-HJ-NP-Z][0-9][0-9A-HJ-NP-Z](?:\\.[0-9A-HJ-NP-Z]{1,4})?';
const ICD11_EXTENSION = 'X[0-9A-HJ-NP-Z]{2,8}';
const ICD11_PART = `(?:${ICD11_STEM}|${ICD11_EXTENSION})`;
const ICD11_CODE = new RegExp(`^${ICD11_PART}(?:[&/]${ICD11_PART})*$`);
const ICD11_EXTENSION_CODE = new RegExp(`^${ICD11_EXTENSION}$`);

/** Whether a string is a well-formed ICD-11 MMS code, possibly post-coordinated. */
export function isIcd11Code(code: string): boolean {
  return ICD11_CODE.test(code);
}

/**
 * The stem codes of a well-formed ICD-11 code that are not in {@link ICD11_CODES}. Extension codes
 * (X...) qualify a stem and are checked for their form only.
 */
export function unknownIcd11Stems(code: string): string[] {
  return code
    .split(/[&/]/)
    .filter((part) => !ICD11_EXTENSION_CODE.test(part) && !Object.hasOwn(ICD11_CODES, part));
}

/** A plausible range of values in one UCUM unit (inclusive). */
export interface PlausibleRange {
  readonly unit: string;
  readonly min: number;
  readonly max: number;
}

/**
 * A lab or vital sign the gate knows, by LOINC code. `ranges` are what a living patient can have
 * (a value outside is most likely a typo or a wrong unit), not reference intervals; empty for
 * panels and for the age, which other rules check.
 */
export interface LoincLab {
  readonly code: string;
  readonly name: string;
  readonly ranges: readonly PlausibleRange[];
}

/** One plausible range in each of several units that measure alike (mmol/L and meq/L for ions). */
const inUnits = (units: readonly string[], min: number, max: number): PlausibleRange[] =>
  units.map((unit) => ({ unit, min, max }));

/** The LOINC codes the gate knows, with plausible ranges per UCUM unit. */
export const LOINC_LABS: readonly LoincLab[] = [
  {
    code: '2345-7',
    name: 'Glucose, serum or plasma (mass)',
    ranges: [{ unit: 'mg/dL', min: 10, max: 1800 }],
  },
  { code: '2339-0', name: 'Glucose, blood (mass)', ranges: [{ unit: 'mg/dL', min: 10, max: 1800 }] },
  {
    code: '14749-6',
    name: 'Glucose, serum or plasma (moles)',
    ranges: [{ unit: 'mmol/L', min: 0.5, max: 100 }],
  },
  { code: '15074-8', name: 'Glucose, blood (moles)', ranges: [{ unit: 'mmol/L', min: 0.5, max: 100 }] },
  { code: '4548-4', name: 'HbA1c, % of total haemoglobin', ranges: [{ unit: '%', min: 3, max: 20 }] },
  { code: '59261-8', name: 'HbA1c, IFCC', ranges: [{ unit: 'mmol/mol', min: 9, max: 195 }] },
  {
    code: '2823-3',
    name: 'Potassium, serum or plasma',
    ranges: inUnits(['mmol/L', 'meq/L'], 1, 10),
  },
  {
    code: '2951-2',
    name: 'Sodium, serum or plasma',
    ranges: inUnits(['mmol/L', 'meq/L'], 100, 190),
  },
  {
    code: '2160-0',
    name: 'Creatinine, serum or plasma (mass)',
    ranges: [{ unit: 'mg/dL', min: 0.1, max: 25 }],
  },
  {
    code: '14682-9',
    name: 'Creatinine, serum or plasma (moles)',
    ranges: [{ unit: 'umol/L', min: 9, max: 2200 }],
  },
  {
    code: '718-7',
    name: 'Haemoglobin, blood',
    ranges: [
      { unit: 'g/dL', min: 2, max: 25 },
      { unit: 'g/L', min: 20, max: 250 },
    ],
  },
  {
    code: '8310-5',
    name: 'Body temperature',
    ranges: [
      { unit: 'Cel', min: 25, max: 45 },
      { unit: '[degF]', min: 77, max: 113 },
    ],
  },
  { code: '8867-4', name: 'Heart rate', ranges: [{ unit: '/min', min: 20, max: 300 }] },
  { code: '9279-1', name: 'Respiratory rate', ranges: [{ unit: '/min', min: 4, max: 80 }] },
  { code: '8480-6', name: 'Systolic blood pressure', ranges: [{ unit: 'mm[Hg]', min: 40, max: 300 }] },
  { code: '8462-4', name: 'Diastolic blood pressure', ranges: [{ unit: 'mm[Hg]', min: 20, max: 200 }] },
  { code: '85354-9', name: 'Blood pressure panel', ranges: [] },
  {
    code: '59408-5',
    name: 'Oxygen saturation, arterial, pulse oximetry',
    ranges: [{ unit: '%', min: 50, max: 100 }],
  },
  { code: '29463-7', name: 'Body weight', ranges: [{ unit: 'kg', min: 0.3, max: 650 }] },
  { code: '8302-2', name: 'Body height', ranges: [{ unit: 'cm', min: 20, max: 280 }] },
  { code: '30525-0', name: 'Age', ranges: [] },
];

/** The LOINC code of an age observation. */
export const LOINC_AGE = '30525-0';

const LOINC_BY_CODE: ReadonlyMap<string, LoincLab> = new Map(LOINC_LABS.map((l) => [l.code, l]));

/** The listed lab of a LOINC code, if any. */
export function loincLab(code: string): LoincLab | undefined {
  return LOINC_BY_CODE.get(code);
}

/**
 * Whether a string is a well-formed LOINC code: digits, a hyphen and the mod-10 check digit LOINC
 * computes over them (doubling every other digit from the right, as Luhn does).
 */
export function isLoincCode(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  if (!m) return false;
  const [, body = '', check = ''] = m;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    const d = i % 2 === 0 ? digit * 2 : digit;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10 === Number(check);
}
