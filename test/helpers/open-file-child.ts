/**
 * Runs openFile in a process of its own, so a test can give it a trusted certificate through
 * NODE_EXTRA_CA_CERTS and proxy variables (both read from the environment). Prints
 * `<status> <bytes> <sha256>` or `error: <message>`.
 */
import { createHash } from 'node:crypto';
import { openFile } from '../../src/downloads/fetch-file.js';

const hash = createHash('sha256');
try {
  const response = await openFile({
    url: process.argv[2]!,
    method: 'GET',
    signal: new AbortController().signal,
    idleTimeoutMs: 5000,
    userAgent: 'test',
  });
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    hash.update(chunk);
  }
  process.stdout.write(`${response.status} ${bytes} ${hash.digest('hex')}\n`);
} catch (error) {
  process.stdout.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
}
