// The Markdown conversion lives in shared/ since the editor parses pasted Markdown with it too.
export { fromMarkdown, toMarkdown } from '../../shared/markdown.ts';
