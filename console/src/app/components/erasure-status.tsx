/** Where a patient's erasure request stands, as the patient's and the custodian's pages show it. */
import type { ReactNode } from 'react';

import type { ErasureRequestState } from '../api-types';
import { Time } from './ui';

/** A legal reason of a refusal, as a person reads it. */
const REFUSAL_TEXT: Readonly<Record<string, string>> = {
  retention_duty: 'the hospital must keep medical records for a term',
  legal_claim: 'the record is needed for a legal claim',
  public_health: 'public health',
};

/** The status, the legal reason of a refusal (read out, or its code), and when it was answered. */
export function ErasureStatus({
  request,
  codes = false,
}: {
  readonly request: ErasureRequestState;
  /** Show a refusal's code (the custodian's page) rather than its words (the patient's). */
  readonly codes?: boolean;
}): ReactNode {
  const { status, refusal, answeredAt, late } = request;
  return (
    <>
      <span className={`status ${status}`}>{status}</span>
      {refusal === null ? null : (
        <span className="muted"> ({codes ? refusal : (REFUSAL_TEXT[refusal] ?? refusal)})</span>
      )}
      {answeredAt === null ? null : (
        <span className="muted">
          {' '}
          on <Time iso={answeredAt} />
          {late ? ', late' : ''}
        </span>
      )}
    </>
  );
}
