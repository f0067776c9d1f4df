/**
 * The subset of FHIR R4 AuditEvent (https://hl7.org/fhir/R4/auditevent.html) and Bundle this gateway
 * produces, as zod schemas: the export's types are inferred from them and the route documents its
 * response with them. Elements are in R4 order.
 */
import { z } from 'zod';

/** A FHIR Coding. */
export const fhirCodingSchema = z.object({
  system: z.string(),
  code: z.string(),
  display: z.string().optional(),
});
export type FhirCoding = z.infer<typeof fhirCodingSchema>;

const codeableConcept = z.object({ coding: z.array(fhirCodingSchema) });

/** A FHIR Reference by identifier. */
export const fhirReferenceSchema = z.object({
  identifier: z.object({ system: z.string(), value: z.string() }),
  type: z.string().optional(),
  display: z.string().optional(),
});
export type FhirReference = z.infer<typeof fhirReferenceSchema>;

/** The subset of R4 AuditEvent this gateway produces. */
export const fhirAuditEventSchema = z
  .object({
    resourceType: z.literal('AuditEvent'),
    id: z.string(),
    extension: z.array(
      z.object({
        url: z.string(),
        valueString: z.string().optional(),
        valueUnsignedInt: z.number().int().min(0).optional(),
      }),
    ),
    type: fhirCodingSchema,
    subtype: z.array(fhirCodingSchema),
    action: z.enum(['C', 'R', 'U', 'D', 'E']),
    recorded: z.string(),
    outcome: z.enum(['0', '4', '8', '12']),
    outcomeDesc: z.string(),
    purposeOfEvent: z.array(codeableConcept),
    agent: z.array(
      z.object({
        type: codeableConcept.optional(),
        role: z.array(codeableConcept).optional(),
        who: fhirReferenceSchema,
        requestor: z.boolean(),
        purposeOfUse: z.array(codeableConcept).optional(),
      }),
    ),
    source: z.object({ site: z.string(), observer: fhirReferenceSchema, type: z.array(fhirCodingSchema) }),
    entity: z.array(z.object({ what: fhirReferenceSchema, type: fhirCodingSchema, role: fhirCodingSchema })),
  })
  .describe(
    'R4 AuditEvent; extensions urn:medledger:fabric:tx-id and urn:medledger:fabric:block-number place it on the ledger',
  );
export type FhirAuditEvent = z.infer<typeof fhirAuditEventSchema>;

/** A FHIR R4 Bundle (type `collection`) of AuditEvents. */
export const fhirBundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.literal('collection'),
  timestamp: z.string(),
  total: z.number().int(),
  entry: z.array(z.object({ fullUrl: z.string(), resource: fhirAuditEventSchema })),
});
export type FhirBundle = z.infer<typeof fhirBundleSchema>;

/** A link of a paged Bundle. */
export const bundleLinkSchema = z.object({ relation: z.enum(['self', 'next']), url: z.string() });
export type BundleLink = z.infer<typeof bundleLinkSchema>;

/**
 * The export as served: the Bundle with its `link`s; `next` (when present) is the URL of the next
 * page (it carries the cursor). `link` comes before `entry`, as R4 orders them.
 */
export const fhirAuditBundleSchema = fhirBundleSchema
  .pick({ resourceType: true, type: true, timestamp: true, total: true })
  .extend({ link: z.array(bundleLinkSchema), entry: fhirBundleSchema.shape.entry });
export type FhirAuditBundle = z.infer<typeof fhirAuditBundleSchema>;
