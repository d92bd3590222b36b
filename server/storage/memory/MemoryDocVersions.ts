import type { DocVersions, NewVersion, StoredVersion, VersionInfo } from '../DocVersions.ts';
import type { Clock } from '../Storage.ts';

const describe = ({ update: _update, ...info }: StoredVersion): VersionInfo => ({
  ...info,
  authors: [...info.authors],
});
const copy = (version: StoredVersion): StoredVersion => ({
  ...describe(version),
  update: version.update.slice(),
});

/** `DocVersions` in process memory. Bytes are copied in and out. */
export class MemoryDocVersions implements DocVersions {
  /** Document name → its versions, oldest first. */
  private readonly byDoc = new Map<string, StoredVersion[]>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly assertOpen: () => void,
  ) {}

  async add(doc: string, { kind, name, authors, update }: NewVersion): Promise<VersionInfo> {
    this.assertOpen();
    const version: StoredVersion = {
      id: String(this.nextId++),
      createdAt: this.clock(),
      kind,
      name,
      authors: [...authors],
      bytes: update.byteLength,
      update: update.slice(),
    };
    this.versionsOf(doc).push(version);
    return describe(version);
  }

  async list(doc: string): Promise<VersionInfo[]> {
    this.assertOpen();
    return this.newestFirst(doc).map(describe);
  }

  async get(doc: string, id: string): Promise<StoredVersion | null> {
    this.assertOpen();
    const version = this.byDoc.get(doc)?.find((v) => v.id === id);
    return version === undefined ? null : copy(version);
  }

  async latest(doc: string): Promise<StoredVersion | null> {
    this.assertOpen();
    const newest = this.newestFirst(doc)[0];
    return newest === undefined ? null : copy(newest);
  }

  async remove(doc: string, ids: readonly string[]): Promise<number> {
    this.assertOpen();
    const versions = this.byDoc.get(doc) ?? [];
    const doomed = new Set(ids);
    const kept = versions.filter((v) => !doomed.has(v.id));
    this.byDoc.set(doc, kept);
    return versions.length - kept.length;
  }

  async removeDocument(doc: string): Promise<number> {
    this.assertOpen();
    const count = this.byDoc.get(doc)?.length ?? 0;
    this.byDoc.delete(doc);
    return count;
  }

  private newestFirst(doc: string): StoredVersion[] {
    return [...(this.byDoc.get(doc) ?? [])].sort(
      (a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id),
    );
  }

  private versionsOf(doc: string): StoredVersion[] {
    let versions = this.byDoc.get(doc);
    if (versions === undefined) this.byDoc.set(doc, (versions = []));
    return versions;
  }
}
