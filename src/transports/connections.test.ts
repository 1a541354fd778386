import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capConnections, capHandshakes } from './connections.js';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A TCP connection to `port` and whether it has closed. */
async function openTo(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  const state = { closed: false };
  socket.on('close', () => (state.closed = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, state };
}

/** A server whose requests to /hold wait for `release`, capped at `max` connections. */
async function start(max: number, silentMs = 60_000) {
  const held: Array<() => void> = [];
  server = createServer((req, res) => {
    if (req.url === '/hold') held.push(() => res.end('released'));
    else res.end('ok');
  });
  capConnections(server, max, 'connection', silentMs);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const open = () => openTo(port);
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
  return { open, get, held };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('capConnections', () => {
  it('closes the oldest idle connections beyond the cap, and a new caller is served', async () => {
    const { open, get } = await start(3);
    const idle = [];
    for (let i = 0; i < 6; i += 1) idle.push(await open());
    await settle();
    expect(idle.map((c) => c.state.closed)).toEqual([true, true, true, false, false, false]);
    expect(await get('/')).toBe('ok');
  });

  it('keeps a connection with a request in progress, and answers a newcomer 503 when every one is busy', async () => {
    const { open, get, held } = await start(2);
    const holding = [get('/hold'), get('/hold')];
    while (held.length < 2) await settle();
    const late = await open();
    let answer = '';
    late.socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    late.socket.write('POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}');
    await settle();
    expect(late.state.closed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(answer).toContain('Retry-After: 1\r\n');
    expect(answer).toContain('"error":"busy"');
    for (const release of held) release();
    expect(await Promise.all(holding)).toEqual(['released', 'released']);
  });

  it('closes a connection that sends nothing, and not one whose request takes longer', async () => {
    const { open, get, held } = await start(10, 150);
    const silent = await open();
    const holding = get('/hold');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(silent.state.closed).toBe(true);
    held.shift()!();
    expect(await holding).toBe('released');
  });
});

describe('capHandshakes', () => {
  it('closes the oldest connection still in its handshake beyond the cap, so a newcomer always gets in', async () => {
    server = createServer((_req, res) => res.end('ok'));
    capHandshakes(server, 3);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // Plain HTTP has no handshake: every connection stays "pending", as a bare TCP connect to TLS does.
    const first = [await openTo(port), await openTo(port), await openTo(port)];
    const fourth = await openTo(port);
    await settle();
    expect(first.map((c) => c.state.closed)).toEqual([true, false, false]);
    expect(fourth.state.closed).toBe(false);
  });
});
