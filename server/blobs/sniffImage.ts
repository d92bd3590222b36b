/** The image types uploads may have, as `Content-Type` values. SVG is not one: it can carry script. */
export const ImageType = {
  Png: 'image/png',
  Jpeg: 'image/jpeg',
  Gif: 'image/gif',
  Webp: 'image/webp',
} as const;
export type ImageType = (typeof ImageType)[keyof typeof ImageType];

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The image type the bytes themselves say (their magic number), or null. The file name and
 * the declared Content-Type are never consulted: both are the uploader's to choose.
 */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ImageType.Png;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return ImageType.Jpeg;
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return ImageType.Gif;
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return ImageType.Webp;
  return null;
}
