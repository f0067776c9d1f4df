/** The console: routes under `/console/`, the session in memory. */
import { useMemo, useState, type ReactNode } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';

import { Home, Layout, PageGuard } from './layout';
import { PAGES } from './pages';
import { SessionContext, type Session } from './session';
import { SignInPage } from './sign-in';

function router() {
  return createBrowserRouter(
    [
      { path: '/sign-in', element: <SignInPage /> },
      {
        path: '/',
        element: <Layout />,
        children: [
          { index: true, element: <Home /> },
          ...PAGES.map((p) => ({ path: p.path, element: <PageGuard page={p} /> })),
          { path: '*', element: <Navigate to="/" replace /> },
        ],
      },
    ],
    { basename: '/console' },
  );
}

export function App(): ReactNode {
  const [session, setSession] = useState<Session | null>(null);
  const value = useMemo(() => ({ session, setSession }), [session]);
  const [routes] = useState(router);
  return (
    <SessionContext.Provider value={value}>
      <RouterProvider router={routes} />
    </SessionContext.Provider>
  );
}
