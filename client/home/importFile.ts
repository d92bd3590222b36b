import type { CreateDocumentRequest } from '../../shared/api.ts';
import { TITLE_MAX_LENGTH } from '../../shared/documentModel.ts';

export type ImportRequest = CreateDocumentRequest & {
  content: NonNullable<CreateDocumentRequest['content']>;
};

/** What "Import…" takes, by file name (browsers report no reliable type for .md files). */
const FORMAT_BY_EXTENSION: Record<string, 'markdown' | 'html'> = {
  md: 'markdown',
  markdown: 'markdown',
  txt: 'markdown',
  html: 'html',
  htm: 'html',
};

export const IMPORT_ACCEPT = '.md,.markdown,.txt,.html,.htm';

/** A file Inkwell cannot import, and why, in a writer's words. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

const extensionOf = (fileName: string) => /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
const baseName = (fileName: string) => fileName.replace(/\.[^.]+$/, '').trim();

/** The title an imported file names itself, or undefined when the server should decide. */
function titleOf(fileName: string, format: 'markdown' | 'html', text: string): string | undefined {
  // A leading level-1 heading: the server takes it as the title (both exports write one).
  if (format === 'markdown') return /^\s*# \S/.test(text) ? undefined : baseName(fileName);
  const page = new DOMParser().parseFromString(text, 'text/html');
  const pageTitle = page.querySelector('title')?.textContent?.trim();
  if (pageTitle) return pageTitle;
  return page.body.firstElementChild?.tagName === 'H1' ? undefined : baseName(fileName);
}

/**
 * Reads a dropped or chosen file into the body of `POST /api/docs`. The file must be UTF-8
 * text; the server parses it (Markdown, or HTML with scripts off and the link policy) and
 * creates the document in one step or not at all.
 */
export async function importRequestFor(file: File): Promise<ImportRequest> {
  const format = FORMAT_BY_EXTENSION[extensionOf(file.name)];
  if (format === undefined) {
    throw new ImportFileError(
      `“${file.name}” cannot be imported: choose a Markdown (.md), HTML (.html) or text (.txt) file.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    throw new ImportFileError(`“${file.name}” is not a text file (it is not UTF-8).`);
  }
  if (text.includes('\u0000')) throw new ImportFileError(`“${file.name}” is not a text file.`);
  const title = titleOf(file.name, format, text)?.slice(0, TITLE_MAX_LENGTH);
  return { ...(title === undefined ? {} : { title }), content: { format, text } };
}
