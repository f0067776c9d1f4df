import type { ReactNode } from 'react';

import type { GrantTerms } from '../../../lib/grant-receipt';
import { Time } from '../../components/ui';

/** A grant's use limits, when it has any. */
export function UseLimitsText({ terms }: { readonly terms: GrantTerms }): ReactNode {
  const { maxReads, keepUntil } = terms;
  if ((maxReads ?? null) === null && (keepUntil ?? null) === null) return null;
  return (
    <span className="muted">
      {maxReads ? ` · ${String(maxReads)} reads` : ''}
      {keepUntil ? (
        <>
          {' '}
          · copies kept until <Time iso={keepUntil} />
        </>
      ) : null}
    </span>
  );
}
