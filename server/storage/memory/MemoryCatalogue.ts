import type { DocCatalogue, DocumentInfo, NewDocument } from '../DocCatalogue.ts';
import type { Clock } from '../Storage.ts';
import type { MemoryTables } from './MemoryTables.ts';

/** `DocCatalogue` over the memory backend's documents. */
export class MemoryCatalogue implements DocCatalogue {
  constructor(
    private readonly tables: MemoryTables,
    private readonly clock: Clock,
  ) {}

  async create(name: string, { title, content }: NewDocument): Promise<DocumentInfo | null> {
    this.tables.assertOpen();
    if (this.tables.documents.has(name) || this.tables.purged.has(name)) return null;
    const now = this.clock();
    this.tables.append(this.tables.add(name, now, title), content, now);
    return this.describe(name);
  }

  async list(): Promise<DocumentInfo[]> {
    this.tables.assertOpen();
    return this.describeAll()
      .filter((d) => d.deletedAt === null)
      .sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
  }

  async listTrash(): Promise<DocumentInfo[]> {
    this.tables.assertOpen();
    return this.describeAll()
      .filter((d) => d.deletedAt !== null)
      .sort((a, b) => b.deletedAt! - a.deletedAt! || a.name.localeCompare(b.name));
  }

  async trash(name: string): Promise<boolean> {
    this.tables.assertOpen();
    const doc = this.tables.documents.get(name);
    if (doc === undefined || doc.deletedAt !== null) return false;
    doc.deletedAt = this.clock();
    return true;
  }

  async restore(name: string): Promise<boolean> {
    this.tables.assertOpen();
    const doc = this.tables.documents.get(name);
    if (doc === undefined || doc.deletedAt === null) return false;
    doc.deletedAt = null;
    return true;
  }

  async info(name: string): Promise<DocumentInfo | null> {
    this.tables.assertOpen();
    return this.describe(name);
  }

  async setTitle(name: string, title: string | null): Promise<void> {
    this.tables.assertOpen();
    const doc = this.tables.documents.get(name);
    if (doc !== undefined) doc.title = title;
  }

  async delete(name: string, trashedBy = Number.MAX_SAFE_INTEGER): Promise<boolean> {
    this.tables.assertOpen();
    const deletedAt = this.tables.documents.get(name)?.deletedAt ?? null;
    if (deletedAt === null || deletedAt > trashedBy) return false;
    this.tables.documents.delete(name);
    this.tables.purged.set(name, this.clock());
    return true;
  }

  async purgedAt(name: string): Promise<number | null> {
    this.tables.assertOpen();
    return this.tables.purged.get(name) ?? null;
  }

  private describeAll(): DocumentInfo[] {
    return [...this.tables.documents.keys()].map((name) => this.describe(name)!);
  }

  private describe(name: string): DocumentInfo | null {
    const doc = this.tables.documents.get(name);
    if (doc === undefined) return null;
    const logBytes = doc.log.reduce((sum, entry) => sum + entry.update.byteLength, 0);
    return {
      name,
      title: doc.title,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      bytes: (doc.snapshot?.byteLength ?? 0) + logBytes,
      deletedAt: doc.deletedAt,
    };
  }
}
