/**
 * The places kept for the patient features of issue 13. Each says what it will show and which route
 * it will call; none shows data until that route exists (nothing here is simulated).
 */
import type { ReactNode } from 'react';

import { PageHead } from '../../components/ui';

interface Planned {
  readonly title: string;
  readonly what: string;
  readonly route: string;
}

/** Issue 13's patient features, in the order they will become pages. */
export const PLANNED_PATIENT_FEATURES: readonly Planned[] = [
  {
    title: 'My records across hospitals',
    what: 'Every record of yours at every hospital (category, hospital, department, version, date, verified), metadata only.',
    route: 'GET /v1/patients/{did}/records',
  },
  {
    title: 'Emergency profile',
    what: 'The categories an emergency may open (allergies, current medication, conditions, blood type, implants), signed by you.',
    route: 'a signed emergency profile replacing the yes/no emergency preference',
  },
  {
    title: 'Health summary',
    what: 'One summary of your health across hospitals (International Patient Summary), each entry with its hospital and on-chain hash.',
    route: 'GET /v1/patients/{did}/summary',
  },
  {
    title: 'Erasure requests',
    what: 'Ask a hospital to erase a record; see whether it erased it or refused with a legal reason, and by when it must answer.',
    route: 'a signed erasure request per record',
  },
  {
    title: 'Consent templates',
    what: 'Grants from the consortium’s templates (treatment at a hospital for 30 days, a study until the end of the year, your emergency profile).',
    route: 'consent templates signed as today’s grants',
  },
];

export function PlannedPage(): ReactNode {
  return (
    <div className="page">
      <PageHead title="Coming next">
        These parts of the console wait for the ledger features they need. They are listed so you know what is
        coming; none of them shows data yet.
      </PageHead>
      <ul className="planned">
        {PLANNED_PATIENT_FEATURES.map((p) => (
          <li key={p.title} className="card">
            <h2>
              {p.title} <span className="tag">planned</span>
            </h2>
            <p>{p.what}</p>
            <p className="muted">Needs: {p.route}.</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
