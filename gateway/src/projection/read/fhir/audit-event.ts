/**
 * Audit events as FHIR R4 AuditEvent resources (https://hl7.org/fhir/R4/auditevent.html), so existing
 * audit tools can ingest them. Ids only: the agent and the patient are named by DID, the record by id.
 */
import type { Purpose } from '@medledger/domain';

import type { AuditEventView } from '../views';
import type { FhirAuditEvent, FhirBundle, FhirCoding } from './schema';

/** Identifier systems of MedLedger ids. */
export const FHIR_SYSTEMS = {
  did: 'urn:medledger:did',
  msp: 'urn:medledger:msp',
  record: 'urn:medledger:record',
  role: 'urn:medledger:role',
  txId: 'urn:medledger:fabric:tx-id',
  blockNumber: 'urn:medledger:fabric:block-number',
  reason: 'urn:medledger:access-reason',
} as const;

const V3_ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const PURPOSE_CODES: Record<Purpose, FhirCoding> = {
  treatment: { system: V3_ACT_REASON, code: 'TREAT', display: 'treatment' },
  research: { system: V3_ACT_REASON, code: 'HRESCH', display: 'healthcare research' },
  insurance: { system: V3_ACT_REASON, code: 'HPAYMT', display: 'healthcare payment' },
  emergency: { system: V3_ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' },
};
const BREAK_THE_GLASS: FhirCoding = { system: V3_ACT_REASON, code: 'BTG', display: 'break the glass' };

/** One access decision as an AuditEvent. */
export function toFhirAuditEvent(e: AuditEventView): FhirAuditEvent {
  const purpose = [{ coding: [PURPOSE_CODES[e.purpose], ...(e.breakGlass ? [BREAK_THE_GLASS] : [])] }];
  return {
    resourceType: 'AuditEvent',
    id: e.eventId,
    extension: [
      { url: FHIR_SYSTEMS.txId, valueString: e.txId },
      { url: FHIR_SYSTEMS.blockNumber, valueUnsignedInt: e.blockNumber },
    ],
    type: {
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110110',
      display: 'Patient Record',
    },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' }],
    action: 'R',
    recorded: e.txTime,
    // Denied by policy is a minor failure in the R4 outcome codes.
    outcome: e.outcome === 'granted' ? '0' : '4',
    outcomeDesc: e.reason,
    purposeOfEvent: purpose,
    agent: [
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
              code: 'humanuser',
              display: 'human user',
            },
          ],
        },
        ...(e.actorRole === null
          ? {}
          : { role: [{ coding: [{ system: FHIR_SYSTEMS.role, code: e.actorRole }] }] }),
        who: {
          identifier: { system: FHIR_SYSTEMS.did, value: e.actorDid },
          type: 'Practitioner',
          display: e.actorMsp,
        },
        requestor: true,
        purposeOfUse: purpose,
      },
    ],
    source: {
      site: e.custodian,
      observer: { identifier: { system: FHIR_SYSTEMS.msp, value: e.custodian }, type: 'Organization' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    entity: [
      {
        what: { identifier: { system: FHIR_SYSTEMS.record, value: e.recordId } },
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '2',
          display: 'System Object',
        },
        role: {
          system: 'http://terminology.hl7.org/CodeSystem/object-role',
          code: '4',
          display: 'Domain Resource',
        },
      },
      // The patient is known only where this gateway's org holds the access's sealed facts.
      ...(e.patientDid === null
        ? []
        : [
            {
              what: { identifier: { system: FHIR_SYSTEMS.did, value: e.patientDid }, type: 'Patient' },
              type: {
                system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
                code: '1',
                display: 'Person',
              },
              role: {
                system: 'http://terminology.hl7.org/CodeSystem/object-role',
                code: '1',
                display: 'Patient',
              },
            },
          ]),
    ],
  };
}

/**
 * One page of a search as a Bundle of type `searchset`. `total` is the count of all matches: give it
 * only when it is known (FHIR forbids the page size in its place).
 */
export function toFhirBundle(
  events: readonly AuditEventView[],
  total: number | undefined,
  now = new Date(),
): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: now.toISOString(),
    ...(total === undefined ? {} : { total }),
    entry: events.map((e) => ({
      fullUrl: `urn:medledger:audit-event:${e.eventId}`,
      resource: toFhirAuditEvent(e),
      search: { mode: 'match' as const },
    })),
  };
}
