import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(1234);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.maxMessageBytes).toBe(8 * 1024 * 1024);
  });

  it('reads and converts environment variables, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/inkwell',
      MAX_MESSAGE_BYTES: '',
    });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: '/var/lib/inkwell' });
    expect(config.maxMessageBytes).toBe(8 * 1024 * 1024);
  });

  it('turns on auth and origin checks only when configured', () => {
    expect(loadConfig({})).toMatchObject({ authSecret: null, allowedOrigins: null, trustProxy: false });
    const config = loadConfig({
      AUTH_SECRET: 's'.repeat(32),
      ALLOWED_ORIGINS: 'https://a.example, https://b.example/',
      TRUST_PROXY: 'true',
    });
    expect(config.authSecret).toBe('s'.repeat(32));
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.trustProxy).toBe(true);
    expect(() => loadConfig({ AUTH_SECRET: 'too short' })).toThrow(/AUTH_SECRET/);
  });

  it('bounds document names at 512 bytes and remembers refusals for a minute unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ maxDocNameBytes: 512, repeatRefusalWindowMs: 60_000 });
    expect(loadConfig({ MAX_DOC_NAME_BYTES: '1024', REPEAT_REFUSAL_WINDOW_MS: '0' })).toMatchObject({
      maxDocNameBytes: 1024,
      repeatRefusalWindowMs: 0,
    });
    // Below 128 bytes, names that were valid before issue 15 would be refused.
    expect(() => loadConfig({ MAX_DOC_NAME_BYTES: '64' })).toThrow(/MAX_DOC_NAME_BYTES/);
    expect(() => loadConfig({ MAX_DOC_NAME_BYTES: '100000' })).toThrow(/MAX_DOC_NAME_BYTES/);
  });

  it('runs several instances over Redis only on a shared PostgreSQL database, namespaced by a prefix', () => {
    expect(loadConfig({}).redis).toBeNull();
    const database = { DATABASE_URL: 'postgres://inkwell@db/inkwell' };
    expect(loadConfig({ ...database, REDIS_URL: 'redis://cache:6379' }).redis).toEqual({
      url: 'redis://cache:6379',
      prefix: 'inkwell:',
    });
    expect(loadConfig({ ...database, REDIS_URL: 'rediss://c', REDIS_PREFIX: 'team-a:' }).redis?.prefix).toBe(
      'team-a:',
    );
    expect(() => loadConfig({ ...database, REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
    let refusal: unknown;
    try {
      loadConfig({ REDIS_URL: 'redis://cache:6379' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).message).toMatch(/REDIS_URL needs DATABASE_URL/);
    expect((refusal as ConfigError).exitCode).toBe(1);
  });

  it('takes automatic versions after 2 quiet minutes and at least every 10 unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({
      autoVersions: true,
      versionQuietMs: 120_000,
      versionMaxIntervalMs: 600_000,
    });
    expect(
      loadConfig({ AUTO_VERSIONS: 'false', VERSION_QUIET_MS: '5000', VERSION_MAX_INTERVAL_MS: '60000' }),
    ).toMatchObject({ autoVersions: false, versionQuietMs: 5000, versionMaxIntervalMs: 60_000 });
    expect(() => loadConfig({ VERSION_QUIET_MS: '10' })).toThrow(/VERSION_QUIET_MS/);
    expect(() => loadConfig({ AUTO_VERSIONS: 'sometimes' })).toThrow(/AUTO_VERSIONS/);
  });

  it('names each instance: unique per process unless INSTANCE_ID says otherwise', () => {
    expect(loadConfig({}).instanceId).toMatch(new RegExp(`-${process.pid}$`));
    expect(loadConfig({ INSTANCE_ID: 'web-2' }).instanceId).toBe('web-2');
    expect(() => loadConfig({ INSTANCE_ID: 'web 2' })).toThrow(/INSTANCE_ID/);
  });

  it('caps imported files at 1 MiB, never above the document limit', () => {
    expect(loadConfig({}).maxImportBytes).toBe(1_048_576);
    expect(loadConfig({ MAX_IMPORT_BYTES: '4194304' }).maxImportBytes).toBe(4_194_304);
    // The default follows a document limit below it instead of refusing to start.
    expect(loadConfig({ MAX_DOCUMENT_BYTES: '524288' }).maxImportBytes).toBe(524_288);
    expect(() => loadConfig({ MAX_DOCUMENT_BYTES: '2097152', MAX_IMPORT_BYTES: '2097153' })).toThrow(
      /MAX_IMPORT_BYTES.*MAX_DOCUMENT_BYTES/,
    );
    expect(() => loadConfig({ MAX_IMPORT_BYTES: '100' })).toThrow(/MAX_IMPORT_BYTES/);
    expect(() => loadConfig({ MAX_IMPORT_BYTES: 'lots' })).toThrow(/MAX_IMPORT_BYTES/);
  });

  it('names every invalid setting in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT.*LOG_LEVEL/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
