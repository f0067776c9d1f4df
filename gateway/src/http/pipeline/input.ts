/** The request's input: params, query and body validated with the route's schemas, and the patient-self check. */
import type { Principal } from '../../auth/tokens';
import { AppError, GatewayErrorCode } from '../../errors';
import { unverifiedPayloadField } from '../../services/consents';
import { validate } from '../../services/ledger';
import type { RouteDef } from '../routes/route';

/** What arrived, before validation. */
export interface RawInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: unknown;
  /** The parsed JSON body (routes with a body only). */
  readonly body: unknown;
  /** The body was sent as `application/json` or `application/*+json`. */
  readonly jsonBody: boolean;
}

/** The validated input a handler gets. */
export interface RouteInput {
  readonly params: Record<string, unknown>;
  readonly query: unknown;
  readonly body: unknown;
}

/** Validates `raw` with the route's schemas: 400 with the issues' paths, 415 for a body that is not JSON. */
export function validateInput(route: Pick<RouteDef, 'params' | 'query' | 'body'>, raw: RawInput): RouteInput {
  const params = validate(route.params, { ...raw.params }, '/path') as Record<string, unknown>;
  const query: unknown = validate(route.query, { ...(raw.query as Record<string, unknown>) }, '/query');
  let body: unknown = undefined;
  if (route.body) {
    if (!raw.jsonBody) throw new AppError(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send application/json');
    body = validate(route.body, raw.body, '/body');
  }
  return { params, query, body };
}

/**
 * A patient acts only on their own data: the route's patient path parameter must be their DID, and a
 * patient-signed body must be signed for them (the chaincode verifies the signature itself). Staff
 * pass.
 */
export function checkPatientSelf(
  route: Pick<RouteDef, 'patientSelf'>,
  principal: Principal,
  input: RouteInput,
): void {
  if (principal.kind !== 'patient') return;
  const forbidden = () =>
    new AppError(GatewayErrorCode.FORBIDDEN, 'a patient may act only on their own data');
  if (route.patientSelf && input.params[route.patientSelf] !== principal.subject) throw forbidden();
  const jws = (input.body as { jws?: unknown } | undefined)?.jws;
  if (typeof jws === 'string' && unverifiedPayloadField(jws, 'patientDid') !== principal.subject) {
    throw forbidden();
  }
}
