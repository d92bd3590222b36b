import { createHash } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Role } from '../../shared/access.ts';
import type { UploadedImage } from '../../shared/api.ts';
import { BLOB_PATH_PREFIX } from '../../shared/linkPolicy.ts';
import { permit } from '../access/authorize.ts';
import { sniffImage } from '../blobs/sniffImage.ts';
import type { BlobStore } from '../storage/BlobStore.ts';
import { callerOf, granted, type CallerEnv } from './callerAccess.ts';
import { ApiError } from './errors.ts';

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * An image is fetched by `<img>` only: it may never run as a page (a polyglot file opened in
 * a tab), nor be sniffed into another type.
 */
const IMAGE_HEADERS = {
  'Cache-Control': 'public, max-age=31536000, immutable',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

interface ImageRouteDeps {
  blobs: BlobStore;
  maxImageBytes: number;
  identify: MiddlewareHandler<CallerEnv>;
  checkedName(name: string): string;
}

/** True for the upload route, which has its own body limit (images are bigger than JSON). */
export const isImageUpload = (path: string) => /^\/api\/docs\/[^/]+\/images$/.test(path);

/**
 * `POST /api/docs/:doc/images` stores an image for a document (write access), and
 * `GET /blobs/:hash` serves it. The type is decided from the bytes: PNG, JPEG, GIF or WebP.
 */
export function mountImageRoutes(app: Hono<CallerEnv>, deps: ImageRouteDeps): void {
  const { blobs, maxImageBytes } = deps;
  app.post(
    '/api/docs/:doc/images',
    deps.identify,
    bodyLimit({
      maxSize: maxImageBytes,
      onError: () => {
        throw new ApiError(413, 'image_too_large', `Images are limited to ${megabytes(maxImageBytes)}.`);
      },
    }),
    async (c) => {
      const doc = deps.checkedName(c.req.param('doc'));
      const request = { kind: 'document', doc, role: Role.Write } as const;
      granted(permit(callerOf(c), request), request);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const type = sniffImage(bytes);
      if (type === null) {
        throw new ApiError(415, 'unsupported_image', 'Only PNG, JPEG, GIF and WebP images can be added.');
      }
      const hash = createHash('sha256').update(bytes).digest('hex');
      await blobs.put(doc, hash, { bytes, type });
      return c.json(
        { hash, type, bytes: bytes.byteLength, url: `${BLOB_PATH_PREFIX}${hash}` } satisfies UploadedImage,
        201,
      );
    },
  );

  app.get(`${BLOB_PATH_PREFIX}:hash`, async (c) => {
    const hash = c.req.param('hash');
    const blob = HASH_PATTERN.test(hash) ? await blobs.get(hash) : null;
    if (blob === null) throw new ApiError(404, 'not_found', 'no such image');
    return c.body(new Uint8Array(blob.bytes), 200, { ...IMAGE_HEADERS, 'Content-Type': blob.type });
  });
}
