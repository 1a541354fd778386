/**
 * Runs httpGet in a process of its own, so a test can give it a trusted certificate through
 * NODE_EXTRA_CA_CERTS (read only at start-up). Prints `<bytes> <sha256>` or `error: <message>`.
 */
import { createHash } from 'node:crypto';
import { httpGet } from '../../src/downloads/http-get.js';

const hash = createHash('sha256');
try {
  const result = await httpGet(process.argv[2]!, {
    signal: new AbortController().signal,
    userAgent: 'test',
    onResponse: () => undefined,
    onBody: async (chunk) => {
      hash.update(chunk);
    },
  });
  process.stdout.write(`${result.bytes} ${hash.digest('hex')}\n`);
} catch (error) {
  process.stdout.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
}
