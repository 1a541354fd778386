/**
 * Runs the sandbox Kaltura on its own, for the MCP Inspector or a manual try:
 *   npx tsx test/sandbox/main.ts [port] [address]
 * It prints the environment to give the server, then serves until interrupted.
 */
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './fixtures.js';
import { startSandbox } from './server.js';

const port = Number(process.argv[2] ?? 0) || undefined;
// 127.0.0.1 unless told otherwise (the container test names a Docker network's gateway).
const host = process.argv[3] || undefined;
// SANDBOX_LATENCY_MS delays every answer (the container test keeps calls in flight with it).
const latencyMs = Number(process.env.SANDBOX_LATENCY_MS ?? 0) || undefined;
const sandbox = await startSandbox({ port, host, latencyMs });
process.stdout.write(
  [
    `Sandbox Kaltura listening on ${sandbox.url}`,
    'Point the server at it with:',
    `  KALTURA_SERVICE_URL=${sandbox.url}`,
    `  KALTURA_PARTNER_ID=${SANDBOX_PARTNER_ID}`,
    `  KALTURA_ADMIN_SECRET=${SANDBOX_ADMIN_SECRET}`,
    'For remote mode (--http), give the server only KALTURA_SERVICE_URL; callers send a KS of the',
    'partner: node --import tsx test/sandbox/print-ks.ts prints one, valid for a day.',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'),
);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
