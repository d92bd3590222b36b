import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './access.ts';
import { App } from './App.tsx';
import { parseRoute } from './router.ts';
import './styles.css';

// A shared link's token is taken into storage before anything uses it.
const route = parseRoute(window.location.pathname);
adoptTokenFromUrl(route.page === 'document' ? route.name : null);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
