/**
 * The sandbox's delivery: serveFlavor URLs answer with the flavor's bytes, as Kaltura's CDN does,
 * so that download URLs work. The bytes are a deterministic pattern of the flavor's size
 * (`size` KB × 1024), streamed (never held in memory), with Content-Length, Range and HEAD.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkKs } from './ks.js';
import type { FixtureEntry, FixtureFlavor } from './fixtures.js';

/** Bytes served for a flavor whose size Kaltura does not know (sent without Content-Length). */
export const UNKNOWN_SIZE_BYTES = 100_000;

/** One file request as the sandbox saw it. */
export interface LoggedFileRequest {
  path: string;
  method: string;
  range?: string;
  status: number;
  /** Body bytes written before the answer ended or the client went away. */
  bytesSent: number;
  /** The client went away before the whole body was sent. */
  clientGone: boolean;
}

export interface FileServing {
  /** Throttle the body to this many bytes a second (0: as fast as possible). */
  bytesPerSecond: number;
  /** Send the headers of the whole file, then cut the connection halfway through the body. */
  truncate: boolean;
}

const SERVE_FLAVOR =
  /^\/p\/(\d+)\/sp\/\d+\/serveFlavor\/entryId\/([^/]+)\/.*\/flavorId\/([^/]+)\/fileName\/(.+)\/ks\/([^/]+)\/name\/a\.(\w+)$/;
const BLOCK = 64 * 1024;
const CONTENT_TYPES: Record<string, string> = { mp4: 'video/mp4', mov: 'video/quicktime', mp3: 'audio/mpeg' };

/** The byte at `offset` of a flavor's file is `patternBlock(flavorId)[offset % 64 KiB]`. */
export function patternBlock(flavorId: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  let seed = createHash('sha256').update(flavorId).digest();
  for (let at = 0; at < BLOCK; at += seed.length) {
    seed.copy(block, at);
    seed = createHash('sha256').update(seed).digest();
  }
  return block;
}

/** Whether `path` is a serveFlavor URL path. */
export function isServeFlavorPath(path: string): boolean {
  return SERVE_FLAVOR.test(path);
}

/**
 * Answers a GET or HEAD of a serveFlavor URL: 403 unless its token is a valid, unexpired KS of
 * the entry's partner that may view the entry; 404 for an unknown flavor; else the bytes.
 */
export function serveFlavorFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  find: (flavorId: string) => { entry: FixtureEntry; flavor: FixtureFlavor } | undefined,
  secretOf: (partnerId: number) => string | undefined,
  now: number,
  serving: FileServing,
  log: LoggedFileRequest,
): void {
  const match = SERVE_FLAVOR.exec(path)!;
  const [, pid, entryId, flavorId, rawName, token] = match as unknown as string[];
  const found = find(flavorId!);
  const secret = secretOf(Number(pid));
  if (!found || found.entry.id !== entryId || found.entry.partnerId !== Number(pid) || !secret) {
    return end(res, log, 404);
  }
  const check = checkKs(token!, secret, now);
  if (!check.ok || !check.ks.privileges.includes(`sview:${entryId}`)) return end(res, log, 403);

  const { flavor } = found;
  const size = flavor.size ? flavor.size * 1024 : undefined;
  const fileName = decodeURIComponent(rawName!);
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPES[flavor.fileExt ?? ''] ?? 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${fileName.replace(/"/g, '')}"`,
    'Accept-Ranges': 'bytes',
  };
  let start = 0;
  let endAt = (size ?? UNKNOWN_SIZE_BYTES) - 1;
  let status = 200;
  const range = req.headers.range;
  if (range && size !== undefined) {
    const parsed = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (parsed && (parsed[1] || parsed[2])) {
      if (parsed[1]) {
        start = Number(parsed[1]);
        endAt = parsed[2] ? Math.min(Number(parsed[2]), size - 1) : size - 1;
      } else {
        start = Math.max(0, size - Number(parsed[2]));
      }
      if (start > endAt || start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        return end(res, log, 416);
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${endAt}/${size}`;
    }
  }
  if (size !== undefined) headers['Content-Length'] = endAt - start + 1;
  log.status = status;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  stream(res, patternBlock(flavor.id), start, endAt + 1, serving, log);
}

function end(res: ServerResponse, log: LoggedFileRequest, status: number): void {
  log.status = status;
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : '');
}

/** Writes bytes [from, to) of the pattern, honouring backpressure, the throttle and truncation. */
function stream(
  res: ServerResponse,
  block: Buffer,
  from: number,
  to: number,
  serving: FileServing,
  log: LoggedFileRequest,
): void {
  const cutAt = serving.truncate ? from + Math.floor((to - from) / 2) : to;
  // Throttled, the body goes out in 20 bursts a second.
  const perTick = serving.bytesPerSecond > 0 ? Math.max(1, Math.floor(serving.bytesPerSecond / 20)) : Infinity;
  let at = from;
  res.on('close', () => {
    if (at < to) log.clientGone = !serving.truncate || at < cutAt;
  });
  let burst = 0;
  const pump = () => {
    while (at < cutAt) {
      if (res.destroyed) return;
      const offset = at % BLOCK;
      const length = Math.min(BLOCK - offset, cutAt - at, perTick - burst);
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
    if (serving.truncate) res.destroy();
    else res.end();
  };
  pump();
}
