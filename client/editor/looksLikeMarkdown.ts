/**
 * Whether pasted plain text was written as Markdown (a README, a chat message, notes from a
 * Markdown editor), so pasting it should give formatting. Each pattern is a construct people
 * type on purpose; ordinary prose, code-ish text (`a * b * c`, snake_case_names), hashtags and
 * bare URLs match none of them.
 */
const BLOCK_PATTERNS = [
  /^ {0,3}#{1,6}[ \t]+\S/m, // # Heading
  /^ {0,3}[-*+][ \t]+\S/m, // - item
  /^ {0,3}\d{1,9}[.)][ \t]+\S/m, // 1. item
  /^ {0,3}>[ \t]?\S/m, // > quote
  /^ {0,3}(```|~~~)/m, // ``` fence
  /^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$/m, // | --- | --- | (table rule)
];

const INLINE_PATTERNS = [
  /\[[^\]\n]+\]\((https?:\/\/|mailto:|\/|#)[^)\s]*\)/, // [text](https://…)
  /(^|[^\w*])\*\*[^\s*](?:[^*\n]*[^\s*])?\*\*(?![\w*])/m, // **bold**
  /(^|[^\w_])__[^\s_](?:[^_\n]*[^\s_])?__(?![\w_])/m, // __bold__
  /(^|[\s(])\*[^\s*](?:[^*\n]*[^\s*])?\*(?=$|[\s).,;:!?])/m, // *emphasis*
  /(^|[\s(])_[^\s_](?:[^_\n]*[^\s_])?_(?=$|[\s).,;:!?])/m, // _emphasis_
  /(^|[^~])~~[^\s~](?:[^~\n]*[^\s~])?~~(?!~)/m, // ~~strike~~
  /(^|[^`])`[^`\n]+`(?!`)/m, // `code`
];

/** True when `text` uses at least one Markdown construct (see the patterns above). */
export function looksLikeMarkdown(text: string): boolean {
  return [...BLOCK_PATTERNS, ...INLINE_PATTERNS].some((pattern) => pattern.test(text));
}
