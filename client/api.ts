/** The REST API as the client uses it. Shapes mirror `server/http/app.ts`. */

export interface DocumentSummary {
  name: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  bytes: number;
}

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { 'content-type': 'application/json', ...init?.headers },
    });
  } catch {
    throw new ApiRequestError(0, 'The server cannot be reached. Check your connection.');
  }
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok)
    throw new ApiRequestError(response.status, body?.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

export async function listDocuments(): Promise<DocumentSummary[]> {
  return (await request<{ documents: DocumentSummary[] }>('/api/docs')).documents;
}

export function createDocument(title: string): Promise<DocumentSummary & { url: string }> {
  return request('/api/docs', { method: 'POST', body: JSON.stringify({ title }) });
}
