/**
 * The frame of every signed-in page: a skip link, the banner (org, who, sign out), the navigation of
 * the pages this person sees, the main region, and a footer linking the API documentation.
 */
import { Suspense, useContext, useLayoutEffect, useRef, type ReactNode } from 'react';
import { NavLink, Navigate, Outlet, useLocation } from 'react-router';

import { Loading } from './components/ui';
import { pagesFor, type PageDef, type Section } from './pages';
import { SessionContext, type Who } from './session';

function whoLabel(who: Who): string {
  if (who.kind === 'patient') return `Patient ${who.did}`;
  const department = who.department === null ? '' : `, ${who.department}`;
  return `${who.enrollmentId} (${who.role}${department})`;
}

function Navigation({ who }: { readonly who: Who }): ReactNode {
  const pages = pagesFor(who);
  const sections = [...new Set(pages.map((p) => p.section))] as Section[];
  return (
    <nav aria-label="Main" className="nav">
      {sections.map((section) => (
        <div key={section} className="nav-section">
          <h2 className="nav-title">{section}</h2>
          <ul>
            {pages
              .filter((p) => p.section === section)
              .map((p) => (
                <li key={p.path}>
                  <NavLink to={`/${p.path}`}>{p.title}</NavLink>
                </li>
              ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

/** Moves focus to the main region after a page change, so keyboard and screen reader users land there. */
function useFocusMainOnNavigation(): React.RefObject<HTMLElement | null> {
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // Also on the first page after signing in: the sign-in form is gone, so focus starts at the content.
  // Before the browser paints the new page: a keyboard user's next key must not still reach the link.
  useLayoutEffect(() => {
    main.current?.focus();
  }, [pathname]);
  return main;
}

/** The signed-in frame; without a session, the sign-in page. */
export function Layout(): ReactNode {
  const { session, setSession } = useContext(SessionContext);
  const main = useFocusMainOnNavigation();
  if (!session) return <Navigate to="/sign-in" replace />;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="banner">
        <div className="brand">
          MedLedger <span className="org">{session.gateway.org}</span>
        </div>
        <div className="whoami">
          <span className="who">{whoLabel(session.who)}</span>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setSession(null);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <Navigation who={session.who} />
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="footer">
        <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI document</a> · Every view
        calls the same <code>/v1</code> routes as any other client.
      </footer>
    </div>
  );
}

/** The first page of the person's navigation. */
export function Home(): ReactNode {
  const { session } = useContext(SessionContext);
  if (!session) return <Navigate to="/sign-in" replace />;
  const first = pagesFor(session.who)[0];
  if (!first) {
    return (
      <div className="page">
        <h1>Nothing here for this role yet</h1>
        <p>
          The console has views for patients, hospital staff, hospital admins and regulator auditors. Your
          role has none yet; the API documentation lists what you can call.
        </p>
      </div>
    );
  }
  return <Navigate to={`/${first.path}`} replace />;
}

/** A page, for those who may see it; anyone else goes to their first page. */
export function PageGuard({ page }: { readonly page: PageDef }): ReactNode {
  const { session } = useContext(SessionContext);
  if (!session || !page.visible(session.who)) return <Navigate to="/" replace />;
  const Page = page.component;
  return <Page />;
}
