import { DeadEnd } from './DeadEnd.tsx';
import { lazy, Suspense, useEffect, useState } from 'react';
import { serverConfig } from './api.ts';
import { DocumentList } from './home/DocumentList.tsx';
import { TrashPage } from './home/TrashPage.tsx';
import { UpdateBanner } from './offline/UpdateBanner.tsx';
import { parseRoute, usePathname } from './router.ts';

// The editor (Tiptap, ProseMirror, Yjs) is most of the code: the document list need not wait for it.
const EditorPage = lazy(() => import('./editor/EditorPage.tsx').then((m) => ({ default: m.EditorPage })));
// The operations dashboard (uPlot) is for operators only: its own chunk.
const AdminPage = lazy(() => import('./admin/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));

/** Same size as the editor page's frame, so nothing jumps when the editor arrives. */
const EditorLoading = () => (
  <div className="page">
    <div className="editor-frame editor-placeholder" aria-busy="true" />
  </div>
);

/** Whether the server requires tokens; assumed off until it answers (it only gates UI). */
function useAuthMode(): boolean {
  const [auth, setAuth] = useState(false);
  useEffect(() => {
    serverConfig().then(
      (config) => setAuth(config.auth),
      () => {},
    );
  }, []);
  return auth;
}

export function App() {
  return (
    <>
      <UpdateBanner />
      <Page />
    </>
  );
}

function Page() {
  const route = parseRoute(usePathname());
  const auth = useAuthMode();
  switch (route.page) {
    case 'home':
      return <DocumentList auth={auth} />;
    case 'trash':
      return <TrashPage auth={auth} />;
    case 'document':
      // Keyed by name: another document gets a fresh session and editor.
      return (
        <Suspense fallback={<EditorLoading />}>
          <EditorPage key={route.name} name={route.name} auth={auth} />
        </Suspense>
      );
    case 'admin':
      return (
        <Suspense fallback={<div className="page" aria-busy="true" />}>
          <AdminPage />
        </Suspense>
      );
    case 'not-found':
      return (
        <div className="page">
          <DeadEnd title="This page does not exist">The address may be mistyped or out of date.</DeadEnd>
        </div>
      );
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
}
