import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** Said on a page that signs when this browser holds no key of the patient (`key === null`). */
export function NoKeyNotice({ shown }: { readonly shown: boolean }): ReactNode {
  if (!shown) return null;
  return (
    <p className="card attention">
      This browser holds no key of yours, so it cannot sign.{' '}
      <Link to="/patient/key">Create or import your key</Link>.
    </p>
  );
}
