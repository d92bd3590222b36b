import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';
import { freePort } from './freePort.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The configuration docs/SCALING.md tells operators to install; the tests run this file. */
export const NGINX_SITE = path.join(ROOT, 'docs', 'nginx', 'inkwell.conf');
const NGINX = '/usr/sbin/nginx';

export interface RunningNginx {
  url: string;
  syncUrl: string;
  process: ChildProcess;
  /** nginx's error log, for a failing test's message. */
  errors(): string;
  stop(): Promise<void>;
}

/**
 * docs/nginx/inkwell.conf with its `listen` and upstream servers replaced, everything else
 * as shipped. Throws if the file no longer has the lines the test replaces.
 */
export function templateSite(site: string, listenPort: number, upstreamPorts: number[]): string {
  const servers = /^ {4}server 127\.0\.0\.1:\d+ (.*);$/gm;
  const options = servers.exec(site)?.[1];
  if (options === undefined || !/^ {4}listen 80;$/m.test(site)) {
    throw new Error(`${NGINX_SITE} lost its listen or upstream server lines`);
  }
  const upstream = upstreamPorts.map((port) => `    server 127.0.0.1:${port} ${options};`).join('\n');
  return site
    .replace(/^ {4}listen 80;$/m, `    listen 127.0.0.1:${listenPort};`)
    .replace(/(^ {4}server 127\.0\.0\.1:\d+ .*;\n)+/m, `${upstream}\n`);
}

/**
 * Debian's nginx as a foreground child with its own prefix, temp and log files, serving the
 * shipped site configuration in front of `upstreamPorts`.
 */
export async function startNginx(upstreamPorts: number[]): Promise<RunningNginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-nginx-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'inkwell.conf'),
    templateSite(fs.readFileSync(NGINX_SITE, 'utf8'), port, upstreamPorts),
  );
  const temp = (name: string) => path.join(dir, name);
  // One process: no worker switching to `nobody`, who could not write this private directory.
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${temp('access.log')};
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  include ${temp('inkwell.conf')};
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-e', temp('error.log'), '-c', temp('nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const errors = () =>
    output + (fs.existsSync(temp('error.log')) ? fs.readFileSync(temp('error.log'), 'utf8') : '');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (gone) throw new Error(`nginx exited:\n${errors()}`);
      return fetch(`${url}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
    },
    () => `nginx to listen:\n${errors()}`,
  );
  return {
    url,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    process: child,
    errors,
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
