import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Plugin } from 'vite';

const SOURCE = new URL('../client/offline/serviceWorker.js', import.meta.url);

/**
 * Emits `sw.js` beside the build: the service worker of `client/offline/serviceWorker.js`
 * with this release's files to precache and a version derived from their names (hashed
 * names change with their content, so a release with any change gets a new version).
 * Source maps are left out: they are for developers, who are online.
 */
export function serviceWorker(): Plugin {
  return {
    name: 'inkwell-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((file) => !file.endsWith('.map') && file !== 'index.html')
        .sort()
        .map((file) => `/${file}`);
      const indexHtml = bundle['index.html'];
      const version = createHash('sha256')
        .update(files.join('\n'))
        .update(indexHtml?.type === 'asset' ? String(indexHtml.source) : '')
        .digest('hex')
        .slice(0, 16);
      let source = fs.readFileSync(SOURCE, 'utf8');
      for (const [placeholder, value] of [
        ["const VERSION = 'development';", `const VERSION = ${JSON.stringify(version)};`],
        ['const PRECACHE = [];', `const PRECACHE = ${JSON.stringify(files)};`],
      ] as const) {
        if (!source.includes(placeholder)) this.error(`serviceWorker.js no longer contains "${placeholder}"`);
        source = source.replace(placeholder, value);
      }
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
