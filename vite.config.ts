import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { serviceWorker } from './scripts/serviceWorkerPlugin.ts';

/** The server `npm run dev` proxies to (start it with `npm run dev:server`). */
const devServer = process.env.INKWELL_DEV_SERVER ?? 'http://127.0.0.1:1234';

export default defineConfig({
  // Absolute, so builds started from scripts (npm start) work from any working directory.
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [react(), serviceWorker()],
  resolve: {
    // One copy of each, or Yjs warns "already imported" and type checks across copies fail.
    dedupe: ['yjs', 'y-protocols', 'lib0'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own: their hashes (and browsers' caches of them)
        // survive releases that change only Inkwell's code, and the document list loads
        // React alone, not the editor's libraries.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'yjs', test: /node_modules[\\/](yjs|y-protocols|y-websocket|y-indexeddb|lib0)[\\/]/ },
            {
              name: 'prosemirror',
              test: /node_modules[\\/](prosemirror-[^\\/]+|orderedmap|rope-sequence|w3c-keyname)[\\/]/,
            },
            { name: 'tiptap', test: /node_modules[\\/](@tiptap|linkifyjs|markdown-it|@floating-ui)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': devServer,
      '/healthz': devServer,
      '/sync': { target: devServer.replace(/^http/, 'ws'), ws: true },
    },
  },
});
