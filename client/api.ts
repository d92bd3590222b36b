/** The REST API as the client uses it. Shapes come from `shared/api.ts`, as the server's do. */
import type { Role } from '../shared/access.ts';
import type {
  ApiErrorBody,
  CreatedDocument,
  CreateDocumentRequest,
  DocumentList,
  DocumentSummary,
  DuplicateRequest,
  Presence,
  PurgeResult,
  ServerConfig,
  ShareLink,
  ShareRequest,
  TrashedDocument,
  TrashList,
  UploadedImage,
  CreatedVersion,
  CreateVersionRequest,
  Version,
  VersionList,
} from '../shared/api.ts';

export type { DocumentSummary, TrashedDocument, Version };

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
    /** The server's error code (`error.code`), when it sent one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit, token?: string | null): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiRequestError(0, 'The server cannot be reached. Check your connection.');
  }
  if (!response.ok) throw await failureOf(response);
  // A 204 (purge) has no body.
  return (await response.json().catch(() => null)) as T;
}

/** The error an answer that is not ok stands for, in the server's words when it gave some. */
async function failureOf(response: Response): Promise<ApiRequestError> {
  const body = (await response.json().catch(() => null)) as Partial<ApiErrorBody> | null;
  const error = body?.error;
  return new ApiRequestError(
    response.status,
    error?.message ?? `HTTP ${response.status}`,
    error?.code ?? null,
  );
}

const post = (
  body: CreateDocumentRequest | ShareRequest | DuplicateRequest | CreateVersionRequest,
): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
});

/** Whether the server requires tokens. */
export function serverConfig(): Promise<ServerConfig> {
  return request('/api/config');
}

export async function listDocuments(token: string | null): Promise<DocumentSummary[]> {
  return (await request<DocumentList>('/api/docs', undefined, token)).documents;
}

/** Creates a document: with a fresh random name, or with `name` (the link someone followed). */
export function createDocument(title: string, token: string | null, name?: string): Promise<CreatedDocument> {
  return request('/api/docs', post({ title, name }), token);
}

/** Creates a document from an imported file's text (Markdown or HTML); nothing is created on error. */
export function importDocument(
  body: CreateDocumentRequest & { content: NonNullable<CreateDocumentRequest['content']> },
  token: string | null,
): Promise<CreatedDocument> {
  return request('/api/docs', post(body), token);
}

/** A document's catalogue entry, or null when there is no document by that name. */
export async function findDocument(name: string, token: string | null): Promise<DocumentSummary | null> {
  try {
    return await request<DocumentSummary>(`/api/docs/${encodeURIComponent(name)}`, undefined, token);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return null;
    throw error;
  }
}

/** Mints a link to a document (auth mode, with a write token). */
export function createShareLink(doc: string, role: Role, token: string): Promise<ShareLink> {
  return request('/api/share', post({ doc, role }), token);
}

const docPath = (name: string) => `/api/docs/${encodeURIComponent(name)}`;

/** Moves a document to the trash. */
export function deleteDocument(name: string, token: string | null): Promise<TrashedDocument> {
  return request(docPath(name), { method: 'DELETE' }, token);
}

/** Takes a document out of the trash. */
export function restoreDocument(name: string, token: string | null): Promise<DocumentSummary> {
  return request(`${docPath(name)}/restore`, { method: 'POST' }, token);
}

/** Copies a document ("Copy of …") under a fresh name. */
export function duplicateDocument(name: string, token: string | null): Promise<CreatedDocument> {
  return request(`${docPath(name)}/duplicate`, post({}), token);
}

export function listTrash(token: string | null): Promise<TrashList> {
  return request('/api/trash', undefined, token);
}

/** Deletes a document in the trash for good. */
export async function purgeDocument(name: string, token: string | null): Promise<void> {
  await request(`/api/trash/${encodeURIComponent(name)}`, { method: 'DELETE' }, token);
}

/** Deletes every document in the trash for good. */
export function emptyTrash(token: string | null): Promise<PurgeResult> {
  return request('/api/trash', { method: 'DELETE' }, token);
}

/** Who is in each document right now. */
export function fetchPresence(token: string | null): Promise<Presence> {
  return request('/api/presence', undefined, token);
}

/** Uploads an image for a document; the server decides its type from the bytes. */
export async function uploadImage(doc: string, file: Blob, token: string | null): Promise<UploadedImage> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let response: Response;
  try {
    response = await fetch(`${docPath(doc)}/images`, { method: 'POST', body: file, headers });
  } catch {
    throw new ApiRequestError(0, 'The image could not be uploaded: the server cannot be reached.');
  }
  if (!response.ok) throw await failureOf(response);
  return (await response.json()) as UploadedImage;
}

/** A document's saved versions, newest first. */
export async function listVersions(doc: string, token: string | null): Promise<Version[]> {
  return (await request<VersionList>(`${docPath(doc)}/versions`, undefined, token)).versions;
}

/** Saves the current state as a named version, or as the version kept just before a restore. */
export async function saveVersion(
  doc: string,
  body: CreateVersionRequest,
  token: string | null,
): Promise<Version> {
  return (await request<CreatedVersion>(`${docPath(doc)}/versions`, post(body), token)).version;
}

/** A version's full state as a Yjs update. */
export async function fetchVersionUpdate(doc: string, id: string, token: string | null): Promise<Uint8Array> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let response: Response;
  try {
    response = await fetch(`${docPath(doc)}/versions/${encodeURIComponent(id)}/update`, { headers });
  } catch {
    throw new ApiRequestError(0, 'The server cannot be reached. Check your connection.');
  }
  if (!response.ok) throw await failureOf(response);
  return new Uint8Array(await response.arrayBuffer());
}
