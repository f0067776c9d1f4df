/**
 * Sign-in with a bearer token pasted by the person. On the local network the dev issuer mints them
 * (`npm run -s token`); a deployment would put its identity provider's sign-in here (not built yet).
 * The token stays in this tab's memory only.
 */
import { useContext, useState, type SyntheticEvent, type ReactNode } from 'react';
import { Navigate, useNavigate } from 'react-router';

import { ActionButton, Field, Problem } from './components/ui';
import { SessionContext, signIn } from './session';

export function SignInPage(): ReactNode {
  const { session, setSession } = useContext(SessionContext);
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (session) return <Navigate to="/" replace />;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setSession(await signIn(token));
      setToken('');
      void navigate('/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <main id="main" className="signin-card">
        <h1>Sign in to the MedLedger console</h1>
        <p>
          Paste the bearer token your organization issued you. The console keeps it in this tab's memory only
          (reloading the page signs you out) and sends it to this gateway alone.
        </p>
        <form
          onSubmit={(e) => {
            void submit(e);
          }}
        >
          <Field
            label="Bearer token"
            hint={
              <>
                On the local network, mint one with{' '}
                <code>npm run -s token -- --org Hospital1 --user hospital1-attending-1</code> (staff) or{' '}
                <code>
                  npm run -s token -- --org Hospital1 --user did:medledger:patient:&lt;id&gt; --patient
                </code>{' '}
                (a patient). Sign-in through an identity provider (OIDC) is not part of the console yet.
              </>
            }
          >
            {(id, describedBy) => (
              <textarea
                id={id}
                aria-describedby={describedBy}
                value={token}
                rows={5}
                autoComplete="off"
                spellCheck={false}
                required
                onChange={(e) => {
                  setToken(e.target.value);
                }}
              />
            )}
          </Field>
          <Problem error={error} />
          <ActionButton type="submit" busy={busy} disabled={token.trim() === ''}>
            Sign in
          </ActionButton>
        </form>
        <p className="fineprint">
          <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI document</a>
        </p>
      </main>
    </div>
  );
}
