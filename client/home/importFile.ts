import type { CreateDocumentRequest } from '../../shared/api.ts';

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

/**
 * Reads a dropped or chosen file into the body of `POST /api/docs`. The file must be UTF-8
 * text; HTML is turned into Markdown here, where there is a DOM to parse it (the server has
 * none). A leading "# Heading" becomes the title on the server; otherwise the file's name does.
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
  const markdown = format === 'html' ? (await import('./htmlToMarkdown.ts')).htmlToMarkdown(text) : text;
  const leadingHeading = /^\s*# \S/.test(markdown);
  return {
    ...(leadingHeading ? {} : { title: baseName(file.name).slice(0, 200) }),
    content: { format: 'markdown', text: markdown },
  };
}
