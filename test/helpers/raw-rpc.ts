/**
 * A raw JSON-RPC peer for the built server over stdio, for what the SDK's Client would not send:
 * malformed params, unknown methods. It does the initialize handshake by hand.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SERVER_ENTRY } from './server-process.js';

export interface RawPeer {
  /** Sends a request and resolves with the response that carries its id. */
  request(method: string, params?: unknown): Promise<Record<string, unknown>>;
  /** Every message the server sent, in order. */
  messages: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startRawPeer(env: Record<string, string>): Promise<RawPeer> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: 'pipe' });
  const messages: Array<Record<string, unknown>> = [];
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      messages.push(message);
      if (typeof message.id === 'number') waiting.get(message.id)?.(message);
    }
  });
  let nextId = 1;
  const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const request = (method: string, params?: unknown) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    });
  await request('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw-peer', version: '1' },
  });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    request,
    messages,
    close: async () => {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
