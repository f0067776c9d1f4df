/**
 * A claim as FHIR R4 Claim (https://hl7.org/fhir/R4/claim.html), both ways: a hospital's billing system
 * may submit its Claim as it is, and a stored claim reads back as one. Each item's record travels as a
 * `supportingInfo` entry of category `attachment` referring to the record by id, with the content hash
 * of the version relied on in an extension (FHIR's Attachment.hash is SHA-1; the ledger's is SHA-256).
 */
import {
  claimSubmissionSchema,
  type Claim,
  type ClaimLineInput,
  type ClaimSubmission,
  type Currency,
} from '@medledger/domain';
import { z } from 'zod';
import {
  codingInput,
  concept,
  FhirMappingError,
  HL7,
  identifierRefInput,
  identifierValue,
  INSURANCE_SYSTEMS as S,
  minorOf,
  money,
  moneyInput,
  ref,
  refValue,
} from './fhir-common';

/** The parts of a claim the Claim resource shows (a submission plus who and when). */
export type ClaimHeader = Pick<
  Claim,
  'claimId' | 'coverageId' | 'patientDid' | 'provider' | 'insurer' | 'currency' | 'submittedAt'
>;

/** The items and supporting information of a claim's lines (shared by Claim and ExplanationOfBenefit). */
export function fhirItems(lines: readonly ClaimLineInput[], currency: Currency) {
  return {
    supportingInfo: lines.map((l, i) => ({
      extension: [{ url: S.contentHash, valueString: l.recordHash }],
      sequence: i + 1,
      category: concept(HL7.infoCategory, 'attachment'),
      valueReference: ref(S.record, l.recordId),
    })),
    item: lines.map((l, i) => ({
      sequence: i + 1,
      informationSequence: [i + 1],
      productOrService: { coding: [{ system: l.item.system, code: l.item.code }] },
      servicedDate: l.servicedDate,
      quantity: { value: l.quantity },
      unitPrice: money(l.unitPrice, currency),
      net: money(l.quantity * l.unitPrice, currency),
    })),
  };
}

/** The elements Claim, ClaimResponse and ExplanationOfBenefit open with. */
export function claimHeader(c: Omit<ClaimHeader, 'provider' | 'coverageId' | 'currency'>) {
  return {
    identifier: [{ system: S.claim, value: c.claimId }],
    status: 'active' as const,
    type: concept(HL7.claimType, 'institutional'),
    use: 'claim' as const,
    patient: ref(S.did, c.patientDid, 'Patient'),
    created: c.submittedAt,
    insurer: ref(S.msp, c.insurer, 'Organization'),
  };
}

/** A claim as an R4 Claim (institutional, normal priority, the coverage as the one focal insurance). */
export function toFhirClaim(c: ClaimHeader & { lines: readonly ClaimLineInput[] }) {
  const { supportingInfo, item } = fhirItems(c.lines, c.currency);
  return {
    resourceType: 'Claim' as const,
    ...claimHeader(c),
    provider: ref(S.msp, c.provider, 'Organization'),
    priority: concept(HL7.processPriority, 'normal'),
    supportingInfo,
    insurance: [{ sequence: 1, focal: true, coverage: ref(S.coverage, c.coverageId, 'Coverage') }],
    item,
    total: money(
      c.lines.reduce((t, l) => t + l.quantity * l.unitPrice, 0),
      c.currency,
    ),
  };
}

const claimInput = z
  .object({
    resourceType: z.literal('Claim'),
    identifier: z.array(z.object({ system: z.string().optional(), value: z.string().optional() }).loose()),
    use: z.literal('claim'),
    patient: identifierRefInput,
    insurance: z.array(z.object({ focal: z.boolean(), coverage: identifierRefInput }).loose()).min(1),
    supportingInfo: z
      .array(
        z
          .object({
            sequence: z.number().int(),
            extension: z.array(z.object({ url: z.string(), valueString: z.string().optional() }).loose()),
            valueReference: identifierRefInput,
          })
          .loose(),
      )
      .default([]),
    item: z
      .array(
        z
          .object({
            informationSequence: z.array(z.number().int()).length(1),
            productOrService: z.object({ coding: z.array(codingInput).length(1) }),
            servicedDate: z.string(),
            quantity: z.object({ value: z.number() }),
            unitPrice: moneyInput,
            net: moneyInput.optional(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();

/**
 * The SubmitClaim input from an R4 Claim: its MedLedger identifier, the patient's DID, the one focal
 * coverage, and per item the coding, date, quantity, unit price and the supporting record with its
 * hash. A `net` that is not quantity x unit price is refused rather than ignored, so a billing system
 * cannot show one amount and be paid on another. Throws {@link FhirMappingError}.
 */
export function claimSubmissionFromFhir(resource: unknown): ClaimSubmission {
  const parsed = claimInput.safeParse(resource);
  if (!parsed.success) throw new FhirMappingError(`Claim.${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  const r = parsed.data;
  const focal = r.insurance.filter((i) => i.focal);
  if (focal.length !== 1 || !focal[0]) throw new FhirMappingError('Claim.insurance');
  const currency = r.item[0]?.unitPrice.currency;
  if (currency === undefined) throw new FhirMappingError('Claim.item');
  const lines = r.item.map((it, i): ClaimLineInput => {
    const info = r.supportingInfo.filter((s) => s.sequence === it.informationSequence[0]);
    const hashes = info[0]?.extension.filter((e) => e.url === S.contentHash) ?? [];
    const unitPrice = minorOf(it.unitPrice, currency, `Claim.item[${i}].unitPrice`);
    if (info.length !== 1 || !info[0] || hashes.length !== 1)
      throw new FhirMappingError(`Claim.item[${i}].informationSequence`);
    if (
      it.net !== undefined &&
      minorOf(it.net, currency, `Claim.item[${i}].net`) !== unitPrice * it.quantity.value
    )
      throw new FhirMappingError(`Claim.item[${i}].net`);
    return {
      item: {
        system: it.productOrService.coding[0]?.system ?? '',
        code: it.productOrService.coding[0]?.code ?? '',
      },
      servicedDate: it.servicedDate,
      quantity: it.quantity.value,
      unitPrice,
      recordId: refValue(info[0].valueReference, S.record, `Claim.supportingInfo[${i}].valueReference`),
      recordHash: hashes[0]?.valueString ?? '',
    };
  });
  const submission = claimSubmissionSchema.safeParse({
    claimId: identifierValue(r.identifier, S.claim, 'Claim.identifier'),
    coverageId: refValue(focal[0].coverage, S.coverage, 'Claim.insurance.coverage'),
    patientDid: refValue(r.patient, S.did, 'Claim.patient'),
    currency,
    lines,
  });
  if (!submission.success)
    throw new FhirMappingError(`Claim:${submission.error.issues[0]?.path.join('.') ?? ''}`);
  return submission.data;
}
