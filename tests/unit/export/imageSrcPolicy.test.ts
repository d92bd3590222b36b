import { describe, expect, it } from 'vitest';
import { isSafeImageSrc } from '../../../shared/linkPolicy.ts';

const upload = `/blobs/${'0f'.repeat(32)}`;

describe('which image sources an imported document keeps', () => {
  it('keeps web images and this server’s uploads', () => {
    for (const src of ['https://example.org/a.png', 'HTTP://example.org/a.png', upload]) {
      expect(isSafeImageSrc(src), src).toBe(true);
    }
  });

  it('refuses scripts, inline data, files, other paths on this server and non-strings', () => {
    for (const src of [
      'javascript:alert(1)',
      ' javascript:alert(1)',
      'data:image/png;base64,iVBORw0KGgo=',
      'file:///etc/passwd',
      '/api/docs',
      `${upload}/../../api/docs`,
      `${upload}?x`,
      '//example.org/a.png',
      'a.png',
      'https://',
      '',
      null,
      42,
    ]) {
      expect(isSafeImageSrc(src), String(src)).toBe(false);
    }
  });
});
