/**
 * The sandbox's delivery, so that download URLs work as Kaltura's do (docs/kaltura-wire.md,
 * "Serving files"):
 * - serveFlavor URLs (getUrl's answer for media clips): the flavor's bytes, of its real length
 *   (not a multiple of 1024), for the version the URL names (an old version is gone: die 5);
 * - raw URLs (an image's or document's `downloadUrl`): the entry's own file, named in
 *   Content-Disposition;
 * - download URLs (getUrl's legacy path, for documents): a 302 to `…/relocate/<name>`, then the
 *   file;
 * - two ways of answering ranges: Kaltura's PHP origin (the default: no ETag, the constant
 *   `Last-modified`, If-Range never read, one range only, its own 416) or a CDN in front of it
 *   (an ETag per version, If-Range as RFC 9110 says);
 * - faults a real network has: a 103 before the answer, a body cut at a point of the file, a
 *   throttle, and an answer written as raw bytes (malformed on purpose).
 * The bytes are a deterministic pattern, streamed, never held in memory.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkKs } from './ks.js';
import { fileLength, type FixtureCaption, type FixtureEntry, type FixtureFlavor } from './fixtures.js';
import { CAPTION_EXTENSIONS, captionText } from './library.js';

/** Bytes served for a flavor whose size Kaltura does not know (sent without Content-Length). */
export const UNKNOWN_SIZE_BYTES = 100_000;

/** The `Last-modified` Kaltura's origin sends for every file, whatever its version (DEFAULT_HTTP_TIME). */
export const KALTURA_CONSTANT_DATE = 'Sun, 19 Nov 2000 08:52:00 GMT';

/** One file request as the sandbox saw it. */
export interface LoggedFileRequest {
  path: string;
  method: string;
  range?: string;
  ifRange?: string;
  /** The proxy or client that connected (a proxy's requests come from its own socket). */
  via?: string;
  status: number;
  /** Body bytes written before the answer ended or the client went away. */
  bytesSent: number;
  /** The client went away before the whole body was sent. */
  clientGone: boolean;
}

export interface FileServing {
  /** Throttle the body to this many bytes a second (0: as fast as possible). */
  bytesPerSecond: number;
  /** Cut the connection once the body reaches this fraction of the file (e.g. 0.6); undefined: never. */
  cutAt?: number;
  /** Answer as Kaltura's PHP origin does (the default), or as a CDN in front of it. */
  mode: 'origin' | 'cdn';
  /** Send a `103 Early Hints` before each answer. */
  earlyHints: boolean;
  /** Answer the next file request with exactly these bytes, then close (a malformed answer on purpose). */
  rawAnswer?: string;
}

/** What a file URL serves. */
interface Served {
  /** A key for the pattern of bytes (a different version has different bytes). */
  seed: string;
  /** Undefined: unknown, sent without Content-Length. */
  length: number | undefined;
  contentType: string;
  /** Content-Disposition's file name, if any. */
  fileName?: string;
  /** For the CDN mode: the version and time that make its ETag and Last-Modified. */
  version: string;
  updatedAt: number;
}

/** What the file handler can ask of the sandbox. */
export interface FileDeps {
  findFlavor(flavorId: string): { entry: FixtureEntry; flavor: FixtureFlavor } | undefined;
  captionById(captionId: string): { entry: FixtureEntry; caption: FixtureCaption } | undefined;
  entryById(entryId: string): FixtureEntry | undefined;
  secretOf(partnerId: number): string | undefined;
  now(): number;
}

const SERVE_FLAVOR =
  /^\/p\/(\d+)\/sp\/\d+\/serveFlavor\/entryId\/([^/]+)\/v\/(\d+)\/flavorId\/([^/]+)\/fileName\/(.+)\/ks\/([^/]+)\/name\/a\.(\w+)$/;
const RAW = /^\/p\/(\d+)\/sp\/\d+\/raw\/entry_id\/([^/]+)\/version\/([^/]+)$/;
const DOWNLOAD = /^\/p\/(\d+)\/sp\/\d+\/download\/entry_id\/([^/]+)\/flavor\/([^/]+)(?:\/relocate\/(.+))?$/;
const CAPTION =
  /^\/api_v3\/index\.php\/service\/caption_captionAsset\/action\/serve\/captionAssetId\/([^/]+)(?:\/v\/\d+)?(?:\/ks\/[^/]+)?$/;
const THUMBNAIL = /^\/p\/(\d+)\/sp\/\d+\/thumbnail\/entry_id\/([^/]+)\/version\/\d+(?:\/.*)?$/;
const BLOCK = 64 * 1024;
/** Kaltura's MIME types by extension; anything else is `image/<ext>` (its own quirk). */
const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  jpg: 'image/jpeg',
  pdf: 'application/pdf',
  srt: 'text/plain',
  vtt: 'text/plain',
  dfxp: 'application/xml',
};
const contentType = (ext: string | undefined) => CONTENT_TYPES[ext ?? ''] ?? `image/${ext ?? 'unknown'}`;

/** The byte at `offset` of a file is `patternBlock(seed)[offset % 64 KiB]`. */
export function patternBlock(seed: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  let digest = createHash('sha256').update(seed).digest();
  for (let at = 0; at < BLOCK; at += digest.length) {
    digest.copy(block, at);
    digest = createHash('sha256').update(digest).digest();
  }
  return block;
}

/** The pattern seed of a flavor's file at a version (version 1 keeps the flavor id alone). */
export const flavorSeed = (flavorId: string, version: number | string) =>
  String(version) === '1' ? flavorId : `${flavorId}@v${version}`;

/** The first `length` bytes of the file with `seed` (for tests that compare a saved file). */
export function patternBytes(seed: string, length: number): Buffer {
  const block = patternBlock(seed);
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += BLOCK) block.copy(out, at, 0, Math.min(BLOCK, length - at));
  return out;
}

/** Whether `path` is a file URL the sandbox serves. */
export function isFilePath(path: string): boolean {
  return [SERVE_FLAVOR, RAW, DOWNLOAD, CAPTION, THUMBNAIL].some((pattern) => pattern.test(path));
}

/** The length of an entry's thumbnail JPEG, whatever size is asked for: a few KB, different per entry. */
export function thumbnailLength(entryId: string): number {
  return 6000 + ([...entryId].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 997);
}

/** Answers a GET or HEAD of a file URL. */
export function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: FileDeps,
  serving: FileServing,
  log: LoggedFileRequest,
): void {
  if (serving.rawAnswer !== undefined) {
    // Written straight to the socket: no HTTP library would produce it.
    const raw = serving.rawAnswer;
    serving.rawAnswer = undefined;
    log.status = -1;
    req.socket.end(raw);
    return;
  }
  const served = resolve(res, path, deps, log);
  if (!served) return;
  if (serving.earlyHints) res.writeEarlyHints({ link: '</p/style.css>; rel=preload; as=style' });
  answer(req, res, served, serving, log);
}

/** What the URL serves, or undefined once it has answered (a 404, a die, a redirect). */
function resolve(res: ServerResponse, path: string, deps: FileDeps, log: LoggedFileRequest): Served | undefined {
  const flavorMatch = SERVE_FLAVOR.exec(path);
  if (flavorMatch) {
    const [, pid, entryId, version, flavorId, rawName, token] = flavorMatch as unknown as string[];
    const found = deps.findFlavor(flavorId!);
    const secret = deps.secretOf(Number(pid));
    if (!found || found.entry.id !== entryId || found.entry.partnerId !== Number(pid) || !secret) {
      // serveFlavor dies with 6 for a flavor it does not find.
      return die(res, log, 6, 'requested flavor was not found');
    }
    const check = checkKs(token!, secret, deps.now());
    if (!check.ok || !check.ks.privileges.includes(`sview:${entryId}`)) return end(res, log, 403);
    const { flavor } = found;
    // An old version's file is gone once the flavor was replaced.
    if (String(flavor.version) !== version) return die(res, log, 5, 'file not found');
    return {
      seed: flavorSeed(flavor.id, flavor.version),
      length: fileLength(flavor),
      contentType: contentType(flavor.fileExt),
      fileName: decodeURIComponent(rawName!),
      version: String(flavor.version),
      updatedAt: flavor.updatedAt,
    };
  }
  const captionMatch = CAPTION.exec(path);
  if (captionMatch) {
    const found = deps.captionById(captionMatch[1]!);
    if (!found || found.caption.status !== 2) return end(res, log, 404);
    const text = Buffer.from(captionText(found.caption));
    const ext = CAPTION_EXTENSIONS[found.caption.format];
    // Served as text, whole (a caption file is small); ranges are not needed by anyone.
    res.writeHead(200, { 'Content-Type': contentType(ext), 'Content-Length': text.length, 'Accept-Ranges': 'bytes' });
    log.status = 200;
    log.bytesSent = text.length;
    res.end(text);
    return undefined;
  }
  const thumbnailMatch = THUMBNAIL.exec(path);
  if (thumbnailMatch) {
    const [, pid, entryId] = thumbnailMatch as unknown as string[];
    const entry = deps.entryById(entryId!);
    if (!entry || entry.partnerId !== Number(pid) || entry.noThumbnail) return end(res, log, 404);
    return {
      seed: `thumbnail:${entry.id}`,
      length: thumbnailLength(entry.id),
      contentType: 'image/jpeg',
      version: '100002',
      updatedAt: entry.createdAt + 500,
    };
  }
  const rawMatch = RAW.exec(path);
  if (rawMatch) {
    const [, pid, entryId] = rawMatch as unknown as string[];
    const entry = deps.entryById(entryId!);
    // A missing entry ends "gracefully": an empty 200, no error header at all.
    if (!entry || entry.partnerId !== Number(pid)) return end(res, log, 200);
    if (entry.restricted) return die(res, log, 3, 'entry restricted due to access-control');
    const file = ownFile(entry);
    if (!file) return end(res, log, 200);
    // The entry's name, with the data's extension added when the name has none.
    const fileName = entry.name.includes('.') ? entry.name : `${entry.name}.${file.ext}`;
    return { ...file, contentType: contentType(file.ext), fileName };
  }
  const downloadMatch = DOWNLOAD.exec(path)!;
  const [, pid, entryId, flavorId, relocate] = downloadMatch as unknown as string[];
  const found = deps.findFlavor(flavorId!);
  if (!found || found.entry.id !== entryId || found.entry.partnerId !== Number(pid)) return end(res, log, 404);
  const { entry, flavor } = found;
  if (!relocate) {
    // The name is the entry's and the asset's, cleaned of what a URL path cannot carry.
    const name = `${entry.name} (${flavor.paramsName}).${flavor.fileExt ?? 'bin'}`.replace(/[?|*\\/><&[\] %#]/g, '_');
    res.writeHead(302, { Location: `${path}/relocate/${name}` });
    return void end(res, log, 302);
  }
  return {
    seed: flavorSeed(flavor.id, flavor.version),
    length: fileLength(flavor),
    contentType: contentType(flavor.fileExt),
    fileName: decodeURIComponent(relocate),
    version: String(flavor.version),
    updatedAt: flavor.updatedAt,
  };
}

/** An image's data file, or a document's original flavor: what its raw URL serves. */
function ownFile(entry: FixtureEntry): (Omit<Served, 'contentType'> & { ext: string }) | undefined {
  if (entry.data) {
    return {
      seed: `${entry.id}@${entry.data.version}`,
      length: entry.data.bytes,
      ext: entry.data.ext,
      version: entry.data.version,
      updatedAt: entry.createdAt + 500,
    };
  }
  const original = entry.flavors.find((f) => f.isOriginal);
  if (!original) return undefined;
  return {
    seed: flavorSeed(original.id, original.version),
    length: fileLength(original),
    ext: original.fileExt ?? 'bin',
    version: String(original.version),
    updatedAt: original.updatedAt,
  };
}

/** Serves `served`, honouring a range the way the chosen mode does. */
function answer(
  req: IncomingMessage,
  res: ServerResponse,
  served: Served,
  serving: FileServing,
  log: LoggedFileRequest,
) {
  const { length } = served;
  const headers: Record<string, string | number> = {
    'Content-Type': served.contentType,
    'Accept-Ranges': 'bytes',
    'Access-Control-Allow-Origin': '*',
  };
  if (served.fileName) headers['Content-Disposition'] = `attachment; filename="${served.fileName.replace(/"/g, '')}"`;
  const etag = `"${createHash('sha1').update(served.seed).digest('hex').slice(0, 16)}"`;
  const lastModified = new Date(served.updatedAt * 1000).toUTCString();
  if (serving.mode === 'cdn') {
    headers.ETag = etag;
    headers['Last-Modified'] = lastModified;
  } else {
    headers['Last-modified'] = KALTURA_CONSTANT_DATE;
  }
  let start = 0;
  let last = (length ?? UNKNOWN_SIZE_BYTES) - 1;
  let status = 200;
  const range = req.headers.range;
  // The origin never reads If-Range; a CDN applies the range only while the validator still holds.
  const ifRange = req.headers['if-range'];
  const rangeApplies =
    range !== undefined &&
    length !== undefined &&
    (serving.mode === 'origin' || ifRange === undefined || ifRange === etag || ifRange === lastModified);
  if (rangeApplies) {
    const unsatisfiable = () => {
      // The origin names the whole file's range in its 416; RFC 9110 says `*`.
      const contentRange = serving.mode === 'origin' ? `bytes 0-${length - 1}/${length}` : `bytes */${length}`;
      res.writeHead(416, { ...headers, 'Content-Range': contentRange, 'Content-Length': 0 });
      return void end(res, log, 416);
    };
    const parsed = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (range.includes(',') || !parsed || (!parsed[1] && !parsed[2])) return unsatisfiable();
    if (parsed[1]) {
      start = Number(parsed[1]);
      last = parsed[2] ? Math.min(Number(parsed[2]), length - 1) : length - 1;
    } else {
      start = Math.max(0, length - Number(parsed[2]));
    }
    if (start > last || start > length - 1) return unsatisfiable();
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${last}/${length}`;
  }
  if (length !== undefined) headers['Content-Length'] = last - start + 1;
  log.status = status;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return void res.end();
  const cutAt = serving.cutAt === undefined || length === undefined ? undefined : Math.floor(length * serving.cutAt);
  stream(res, patternBlock(served.seed), start, last + 1, cutAt, serving.bytesPerSecond, log);
}

function end(res: ServerResponse, log: LoggedFileRequest, status: number): undefined {
  log.status = status;
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : '');
  return undefined;
}

/** Kaltura's "die": an empty 200 whose headers say why. */
function die(res: ServerResponse, log: LoggedFileRequest, code: number, reason: string): undefined {
  res.writeHead(200, {
    'Content-Type': 'text/html',
    'X-Kaltura': `error-${code}`,
    'X-Kaltura-App': `exiting on error ${code} - ${reason}`,
  });
  return end(res, log, 200);
}

/** Writes file bytes [from, to) of the pattern, honouring backpressure and the throttle; cuts at `cutAt`. */
function stream(
  res: ServerResponse,
  block: Buffer,
  from: number,
  to: number,
  cutAt: number | undefined,
  bytesPerSecond: number,
  log: LoggedFileRequest,
): void {
  const stopAt = cutAt !== undefined && cutAt > from && cutAt < to ? cutAt : to;
  // Throttled, the body goes out in 20 bursts a second.
  const perTick = bytesPerSecond > 0 ? Math.max(1, Math.floor(bytesPerSecond / 20)) : Infinity;
  let at = from;
  res.on('close', () => {
    if (at < to) log.clientGone = at < stopAt;
  });
  let burst = 0;
  const pump = () => {
    while (at < stopAt) {
      if (res.destroyed) return;
      const offset = at % BLOCK;
      const length = Math.min(BLOCK - offset, stopAt - at, perTick - burst);
      const more = res.write(block.subarray(offset, offset + length));
      at += length;
      burst += length;
      log.bytesSent = at - from;
      if (burst >= perTick) {
        setTimeout(() => {
          burst = 0;
          pump();
        }, 50);
        return;
      }
      if (!more) {
        res.once('drain', pump);
        return;
      }
    }
    // Cut: once what was written has gone out, the connection ends short of its Content-Length.
    if (stopAt < to) res.socket?.end();
    else res.end();
  };
  pump();
}
