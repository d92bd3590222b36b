import type { JSONContent } from '@tiptap/core';
import { UNTITLED } from '../../shared/documentModel.ts';
import type { StoredDocument } from '../storage/DocLog.ts';
import { contentOf } from './documentContent.ts';
import { toHtmlPage } from './htmlPage.ts';
import { toMarkdown } from './markdown.ts';

/** The formats `GET /api/docs/:doc/export?format=` offers. */
export const ExportFormat = { Html: 'html', Markdown: 'md', Json: 'json' } as const;
export type ExportFormat = (typeof ExportFormat)[keyof typeof ExportFormat];

export const isExportFormat = (value: unknown): value is ExportFormat =>
  Object.values(ExportFormat).includes(value as ExportFormat);

/** A file to download: its bytes, type and a name to save it under. */
export interface ExportedFile {
  body: string;
  contentType: string;
  filename: string;
}

/** A file name from the title: no path separators or control characters, never empty. */
function fileName(title: string | null, extension: string): string {
  const base = (title ?? UNTITLED)
    .replace(/[\p{Cc}/\\:*?"<>|]+/gu, ' ')
    .trim()
    .slice(0, 100);
  return `${base || UNTITLED}.${extension}`;
}

const titleHeading = (title: string): JSONContent => ({
  type: 'heading',
  attrs: { level: 1 },
  content: [{ type: 'text', text: title }],
});

/** Renders a stored document in one of the export formats. */
export function exportDocument(stored: StoredDocument, format: ExportFormat): ExportedFile {
  const { title, doc } = contentOf(stored);
  switch (format) {
    case ExportFormat.Html:
      return {
        body: toHtmlPage(title, doc),
        contentType: 'text/html; charset=utf-8',
        filename: fileName(title, 'html'),
      };
    case ExportFormat.Markdown: {
      // The title leads the file as its first heading, escaped like any heading's text (a
      // title "*Draft*" stays literal). An empty document is just its title.
      const text = toMarkdown(doc);
      const heading = title ? toMarkdown({ type: 'doc', content: [titleHeading(title)] }) : '';
      return {
        body: [heading, text].filter((part) => part.trim() !== '').join('\n') || text,
        contentType: 'text/markdown; charset=utf-8',
        filename: fileName(title, 'md'),
      };
    }
    case ExportFormat.Json:
      return {
        body: `${JSON.stringify(doc, null, 2)}\n`,
        contentType: 'application/json; charset=utf-8',
        filename: fileName(title, 'json'),
      };
    default: {
      const unknown: never = format;
      throw new Error(`unknown export format ${String(unknown)}`);
    }
  }
}
