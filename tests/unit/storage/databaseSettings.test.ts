import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.ts';

describe('database settings', () => {
  it('keeps SQLite unless DATABASE_URL is set', () => {
    expect(loadConfig({}).database).toBeNull();
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db:5432/inkwell' }).database).toEqual({
      url: 'postgres://app@db:5432/inkwell',
      poolSize: 10,
      statementTimeoutMs: 5000,
    });
  });

  it('reads pool size and statement timeout, and refuses a URL that is not PostgreSQL without echoing it', () => {
    expect(
      loadConfig({
        DATABASE_URL: 'postgresql://app:secret@db/inkwell',
        DATABASE_POOL_SIZE: '4',
        DATABASE_STATEMENT_TIMEOUT_MS: '2500',
      }).database,
    ).toMatchObject({ poolSize: 4, statementTimeoutMs: 2500 });
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:secret@db/inkwell' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:secret@db/inkwell' })).not.toThrow(/secret/);
  });
});
