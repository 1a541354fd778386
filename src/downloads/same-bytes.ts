/**
 * Whether a file already in the folder is the file a URL serves, by its bytes: what a save that
 * finds its name taken asks before it answers `skipped`. A length alone cannot tell (another
 * entry's file, or a flavor replaced upstream, may have the same one), and sometimes nobody
 * knows the length (a flavor without `sizeInBytes`, a server that does not say it).
 *
 * One GET: a range of the file's last {@link TAIL_BYTES} (its `Content-Range` also gives the
 * served file's length), compared byte for byte with the same bytes on disk. A server that
 * ignores the range sends the whole file, compared as it streams; nothing is written, and the
 * comparison stops at the first difference.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dieError } from '../kaltura/errors.js';
import { openFile, type FileResponse } from './fetch-file.js';

/** How much of the end of a file is compared when the server takes a range: 64 KiB. */
export const TAIL_BYTES = 64 * 1024;

/**
 * What the comparison found: the same bytes, other bytes (and the served length when known),
 * nothing to go by (the server refused or sent no file), or a comparison cut off before it could
 * tell (the network: worth trying again, never a verdict).
 */
export type Comparison =
  { kind: 'same' } | { kind: 'different'; length?: number } | { kind: 'unknown' } | { kind: 'cut off' };

/** What the GET needs: the URL (a credential, never logged), its signal and patience, the user agent. */
export interface CompareRequest {
  url: string;
  signal?: AbortSignal;
  idleTimeoutMs: number;
  userAgent: string;
}

/** Compares the `size` bytes at `path` with what `request.url` serves; never throws for the server's answer. */
export async function compareWithServed(request: CompareRequest, path: string, size: number): Promise<Comparison> {
  const from = Math.max(0, size - TAIL_BYTES);
  const signal = request.signal ?? new AbortController().signal;
  let response: FileResponse;
  try {
    response = await openFile({
      url: request.url,
      method: 'GET',
      headers: { Range: `bytes=${from}-` },
      signal,
      idleTimeoutMs: request.idleTimeoutMs,
      userAgent: request.userAgent,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return { kind: 'cut off' };
  }
  // Kaltura "dies" on a file URL with an empty answer whose headers say why: nothing to compare.
  if (dieError(response.headers)) return stop(response, { kind: 'unknown' });
  if (response.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(response.headers['content-range'] ?? '').trim());
    if (!range) return stop(response, { kind: 'unknown' });
    const total = Number(range[3]);
    if (total !== size) return stop(response, { kind: 'different', length: total });
    if (Number(range[1]) !== from || Number(range[2]) !== size - 1) return stop(response, { kind: 'unknown' });
    return sameAsStream(response, path, from, size, total);
  }
  if (response.status === 200) {
    if (response.length !== undefined && response.length !== size) {
      return stop(response, { kind: 'different', length: response.length });
    }
    return sameAsStream(response, path, 0, size, response.length);
  }
  return stop(response, { kind: 'unknown' });
}

function stop(response: FileResponse, comparison: Comparison): Comparison {
  response.body.destroy();
  return comparison;
}

/**
 * Whether the body is exactly the file's bytes from `from` to `size`; stops reading at the first
 * difference. A body that breaks off (the network, a file that went away) tells nothing: cut off.
 */
async function sameAsStream(
  response: FileResponse,
  path: string,
  from: number,
  size: number,
  length: number | undefined,
): Promise<Comparison> {
  let file: FileHandle | undefined;
  let at = from;
  try {
    file = await open(path, 'r');
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      if (at + chunk.length > size) return { kind: 'different', length };
      const onDisk = Buffer.alloc(chunk.length);
      const { bytesRead } = await file.read(onDisk, 0, chunk.length, at);
      if (bytesRead !== chunk.length || !onDisk.equals(chunk)) return { kind: 'different', length };
      at += chunk.length;
    }
    if (at === size) return { kind: 'same' };
    // Short of a length the server announced (a range's, a Content-Length): the body broke off.
    return length !== undefined ? { kind: 'cut off' } : { kind: 'different', length: at };
  } catch {
    return { kind: 'cut off' };
  } finally {
    response.body.destroy();
    await file?.close();
  }
}
