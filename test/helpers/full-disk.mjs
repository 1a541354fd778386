/**
 * A preload (`node --import <this file> dist/index.js`) that gives the process a disk that fills
 * up, which no test can make a real disk do on demand (`ulimit -f` answers EFBIG, not ENOSPC).
 * FULL_DISK_FREE_FILE names a file holding the bytes still free; every write through Node's
 * promise API (a FileHandle's write, writev and writeFile, which its write streams use; and
 * fs/promises' writeFile) takes from it, and once nothing is left fails with ENOSPC as a full
 * disk does: the file being written is created, empty or short, then the write fails. The test
 * may rewrite the file at any time (e.g. `0`: full from now on). No file: room for everything.
 */
import { readFileSync, writeFileSync, promises as fsp } from 'node:fs';
import { devNull } from 'node:os';
import { syncBuiltinESMExports } from 'node:module';

const control = process.env.FULL_DISK_FREE_FILE;

/** Takes up to `wanted` bytes from what is free: the bytes granted (0 once the disk is full). */
function take(wanted) {
  let free;
  try {
    free = Number(readFileSync(control, 'utf8'));
  } catch {
    return wanted;
  }
  if (!Number.isFinite(free)) return wanted;
  const granted = Math.max(0, Math.min(free, wanted));
  writeFileSync(control, String(free - granted));
  return granted;
}

const full = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

const probe = await fsp.open(devNull, 'r');
const FileHandle = Object.getPrototypeOf(probe);
await probe.close();
const { write, writev } = FileHandle;

FileHandle.write = async function (data, ...rest) {
  // write(string, position, encoding), write(buffer, offset, length, position), write(buffer, options)
  const [buffer, offset = 0, length, position = null] =
    typeof data === 'string'
      ? [Buffer.from(data, rest[1] ?? 'utf8'), 0, undefined, rest[0]]
      : typeof rest[0] === 'object' && rest[0] !== null
        ? [data, rest[0].offset, rest[0].length, rest[0].position]
        : [data, ...rest];
  return grantedWrite(this, buffer, offset, length ?? buffer.byteLength - offset, position);
};

async function grantedWrite(handle, data, offset, length, position) {
  const granted = take(length);
  if (granted === 0 && length > 0) throw full();
  return write.call(handle, data, offset, granted, position);
}

FileHandle.writev = async function (buffers, position) {
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const granted = take(total);
  if (granted === 0 && total > 0) throw full();
  if (granted === total) return writev.call(this, buffers, position);
  const joined = Buffer.concat(buffers).subarray(0, granted);
  const { bytesWritten } = await write.call(this, joined, 0, granted, position);
  return { bytesWritten, buffers };
};

FileHandle.writeFile = async function (data, options) {
  const encoding = typeof options === 'string' ? options : (options?.encoding ?? 'utf8');
  const bytes = typeof data === 'string' ? Buffer.from(data, encoding) : Buffer.from(data);
  for (let at = 0; at < bytes.byteLength;) {
    const { bytesWritten } = await this.write(bytes, at, bytes.byteLength - at, null);
    at += bytesWritten;
  }
};

fsp.writeFile = async function (path, data, options) {
  if (typeof path === 'object' && path !== null && typeof path.writeFile === 'function') {
    return path.writeFile(data, options);
  }
  const flag = (typeof options === 'object' && options?.flag) || 'w';
  const mode = typeof options === 'object' ? options?.mode : undefined;
  const handle = await fsp.open(path, flag, mode);
  try {
    await handle.writeFile(data, options);
  } finally {
    await handle.close();
  }
};

syncBuiltinESMExports();
