import { describe, expect, it } from 'vitest';
import { ImageType, sniffImage } from '../../../server/blobs/sniffImage.ts';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffImage', () => {
  it.each([
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), ImageType.Png],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), ImageType.Jpeg],
    ['GIF87a', bytes('GIF87a', [1]), ImageType.Gif],
    ['GIF89a', bytes('GIF89a', [1]), ImageType.Gif],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), ImageType.Webp],
  ])('recognises %s from its magic number', (_label, data, type) => {
    expect(sniffImage(data)).toBe(type);
  });

  it.each([
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['SVG with an XML prolog', bytes('<?xml version="1.0"?><svg/>')],
    ['HTML', bytes('<!doctype html><script>')],
    ['a RIFF that is not WebP (WAV)', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['a truncated PNG signature', bytes([0x89], 'PNG')],
    ['nothing', bytes()],
  ])('refuses %s', (_label, data) => {
    expect(sniffImage(data)).toBeNull();
  });
});
