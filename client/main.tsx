import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './accessTokens.ts';
import { App } from './App.tsx';
import { registerServiceWorker } from './offline/serviceWorkerClient.ts';
import { parseRoute } from './router.ts';
import './styles.css';

// A shared link's token is taken into storage before anything uses it.
const route = parseRoute(window.location.pathname);
// The dashboard keeps its admin token apart (client/admin/adminToken.ts).
if (route.page !== 'admin') adoptTokenFromUrl(route.page === 'document' ? route.name : null);

registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
