/**
 * The command line, read as the server and `app-token` read it: pure, without a server.
 */
import { describe, expect, it } from 'vitest';
import { APP_TOKEN_USAGE, parseCommand, UsageError, USAGE } from './cli.js';

describe('parseCommand', () => {
  it('serves stdio by default, and HTTP on 127.0.0.1:8080 with --http', () => {
    expect(parseCommand([], {})).toEqual({ kind: 'stdio', limits: { calls: 32, waiting: 256 } });
    expect(parseCommand(['--http'], {})).toEqual({
      kind: 'http',
      host: '127.0.0.1',
      port: 8080,
      allowedHosts: [],
      trustProxy: 0,
      limits: { calls: 32, callsPerKs: 8, waiting: 256, callsPerAddress: 16, connections: 256 },
      behindTlsProxy: false,
    });
  });

  it('reads an empty PORT, HOST or MCP_TRUST_PROXY (PORT= in a compose file) as unset, and refuses an empty --host', () => {
    expect(parseCommand(['--http'], { PORT: '', HOST: ' ', MCP_TRUST_PROXY: '' })).toMatchObject({
      kind: 'http',
      host: '127.0.0.1',
      port: 8080,
      trustProxy: 0,
    });
    expect(() => parseCommand(['--http', '--host', ''], {})).toThrow('--host needs an address to bind');
  });

  it('takes --port, --host and --allowed-hosts, in either form, over PORT, HOST and MCP_ALLOWED_HOSTS', () => {
    const env = { PORT: '9000', HOST: '127.0.0.2', MCP_ALLOWED_HOSTS: 'a.example' };
    expect(parseCommand(['--http'], env)).toMatchObject({
      kind: 'http',
      host: '127.0.0.2',
      port: 9000,
      allowedHosts: ['a.example'],
    });
    expect(
      parseCommand(
        ['--http', '--port=0', '--host', '0.0.0.0', '--allowed-hosts', 'B.example, c.example', '--behind-tls-proxy'],
        env,
      ),
    ).toMatchObject({
      kind: 'http',
      host: '0.0.0.0',
      port: 0,
      allowedHosts: ['b.example', 'c.example'],
    });
    expect(
      parseCommand(['--http'], { MCP_MAX_CALLS: '4', MCP_MAX_CALLS_PER_KS: '2', MCP_MAX_WAITING_CALLS: '10' }),
    ).toMatchObject({ limits: { calls: 4, callsPerKs: 2, waiting: 10 } });
    expect(() => parseCommand(['--http'], { MCP_MAX_CALLS: '0' })).toThrow(/MCP_MAX_CALLS must be a whole number/);
  });

  it('reads the per-address and connection limits, and how many proxies to trust', () => {
    expect(
      parseCommand(['--http', '--trust-proxy', '2'], { MCP_MAX_CALLS_PER_ADDRESS: '3', MCP_MAX_CONNECTIONS: '40' }),
    ).toMatchObject({ trustProxy: 2, limits: { callsPerAddress: 3, connections: 40 } });
    expect(parseCommand(['--http'], { MCP_TRUST_PROXY: '1' })).toMatchObject({ trustProxy: 1 });
    expect(parseCommand(['--http', '--trust-proxy=0'], { MCP_TRUST_PROXY: '1' })).toMatchObject({ trustProxy: 0 });
    expect(() => parseCommand(['--http', '--trust-proxy', 'yes'], {})).toThrow(
      /--trust-proxy \(MCP_TRUST_PROXY\) is the number of proxies in front of the server, from 0 to 99, not "yes"/,
    );
    expect(() => parseCommand(['--trust-proxy', '1'], {})).toThrow('--trust-proxy only applies with --http');
    expect(() => parseCommand(['--http'], { MCP_MAX_CONNECTIONS: 'many' })).toThrow(
      /MCP_MAX_CONNECTIONS must be a whole number/,
    );
  });

  it('bounds stdio’s calls and waiting calls from the same variables', () => {
    expect(parseCommand([], { MCP_MAX_CALLS: '4', MCP_MAX_WAITING_CALLS: '9' })).toEqual({
      kind: 'stdio',
      limits: { calls: 4, waiting: 9 },
    });
  });

  it('refuses what it cannot honour, saying why', () => {
    expect(() => parseCommand(['--http', '--host', '0.0.0.0'], {})).toThrow(/--allowed-hosts/);
    expect(() => parseCommand(['--http', '--port', '70000'], {})).toThrow(/0 to 65535/);
    expect(() => parseCommand(['--http', '--port'], {})).toThrow('--port needs a value');
    expect(() => parseCommand(['--port', '80'], {})).toThrow('--port only applies with --http');
    expect(() => parseCommand(['--stdio'], {})).toThrow('unknown option --stdio');
  });

  it('says which usage a refused command line belongs to', () => {
    expect(() => parseCommand(['serve'], {})).toThrow(
      new UsageError('unexpected argument "serve": the server takes options only', USAGE),
    );
    try {
      parseCommand(['app-token', 'make'], {});
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ message: 'unknown app-token command "make"', usage: APP_TOKEN_USAGE });
    }
  });

  it('reads app-token create, list and revoke <id>, and their help', () => {
    expect(parseCommand(['app-token', 'create'], {})).toEqual({
      kind: 'app-token',
      action: { name: 'create', privileges: 'list:*,sview:*,download:*' },
    });
    expect(
      parseCommand(
        ['app-token', 'create', '--privileges=sview:*', '--expiry-days', '30', '--description', ' my laptop '],
        {},
      ),
    ).toEqual({
      kind: 'app-token',
      action: { name: 'create', privileges: 'sview:*', expiryDays: 30, description: 'my laptop' },
    });
    expect(parseCommand(['app-token', 'list'], {})).toEqual({ kind: 'app-token', action: { name: 'list' } });
    expect(parseCommand(['app-token', 'revoke', '0_abcd1234'], {})).toEqual({
      kind: 'app-token',
      action: { name: 'revoke', id: '0_abcd1234' },
    });
    expect(parseCommand(['app-token', '--help'], {})).toEqual({ kind: 'app-token', action: { name: 'help' } });
    expect(parseCommand(['app-token', 'revoke', '-h'], {})).toEqual({ kind: 'app-token', action: { name: 'help' } });
  });

  it('refuses app-token command lines it cannot run, saying why', () => {
    const refusals: Array<[string[], string]> = [
      [['app-token'], 'app-token needs create, list, revoke or session'],
      [['app-token', 'revoke'], 'app-token revoke needs the id of one token, e.g. 0_abcd1234'],
      [['app-token', 'revoke', '0_a', '0_b'], 'app-token revoke needs the id of one token, e.g. 0_abcd1234'],
      [['app-token', 'list', 'all'], 'unexpected argument "all": app-token list takes options only'],
      [['app-token', 'revoke', '0_a', '--description', 'x'], '--description only applies to app-token create'],
      [
        ['app-token', 'create', '--expiry-days', '1.5'],
        '--expiry-days must be a whole number of days from 1 to 36500, not "1.5"',
      ],
      [
        ['app-token', 'create', '--privileges', 'list:*, sview:*'],
        '--privileges must be a comma-separated list without spaces, e.g. list:*,sview:*,download:*',
      ],
      [['app-token', 'create', '--privileges'], '--privileges needs a value'],
      [
        ['app-token', 'create', '--expiry-days', '-3'],
        '--expiry-days needs a value, and "-3" looks like an option: write --expiry-days=-3 if it is the value',
      ],
      [
        ['app-token', 'create', '--expiry-days=-3'],
        '--expiry-days must be a whole number of days from 1 to 36500, not "-3"',
      ],
      [['app-token', 'create', '--http'], 'unknown option --http'],
      [['--http', 'app-token'], 'unexpected argument "app-token": the server takes options only'],
    ];
    for (const [argv, message] of refusals) expect(() => parseCommand(argv, {}), argv.join(' ')).toThrow(message);
  });

  it('serves HTTPS with --tls-cert and --tls-key, or MCP_TLS_CERT and MCP_TLS_KEY', () => {
    const tls = { certFile: '/etc/tls/cert.pem', keyFile: '/etc/tls/key.pem' };
    expect(parseCommand(['--http', '--tls-cert', tls.certFile, '--tls-key', tls.keyFile], {})).toMatchObject({ tls });
    expect(parseCommand(['--http'], { MCP_TLS_CERT: tls.certFile, MCP_TLS_KEY: tls.keyFile })).toMatchObject({ tls });
    // The command line wins over the environment, file by file.
    expect(
      parseCommand(['--http', '--tls-key', '/k.pem'], { MCP_TLS_CERT: tls.certFile, MCP_TLS_KEY: tls.keyFile }),
    ).toMatchObject({ tls: { certFile: tls.certFile, keyFile: '/k.pem' } });
    expect(parseCommand(['--http'], {})).not.toHaveProperty('tls');
    expect(() => parseCommand(['--http', '--tls-cert', '/c.pem'], {})).toThrow(
      '--tls-cert (MCP_TLS_CERT) needs --tls-key (MCP_TLS_KEY)',
    );
    expect(() => parseCommand(['--http'], { MCP_TLS_KEY: '/k.pem' })).toThrow(
      '--tls-key (MCP_TLS_KEY) needs --tls-cert',
    );
    expect(() => parseCommand(['--tls-cert', '/c.pem'], {})).toThrow('--tls-cert only applies with --http');
  });

  it('refuses a non-loopback address in clear text: a KS is a bearer credential', () => {
    const open = ['--http', '--host', '0.0.0.0', '--allowed-hosts', 'mcp.example.com'];
    expect(() => parseCommand(open, {})).toThrow(
      /binding to 0\.0\.0\.0 without TLS would carry every caller's KS, a bearer credential, in clear text: .*--tls-cert and --tls-key.*--behind-tls-proxy \(or MCP_BEHIND_TLS_PROXY=true\)/,
    );
    expect(parseCommand([...open, '--behind-tls-proxy'], {})).toMatchObject({ host: '0.0.0.0', behindTlsProxy: true });
    for (const yes of ['true', 'TRUE', '1', 'yes'])
      expect(parseCommand(open, { MCP_BEHIND_TLS_PROXY: yes }), yes).toMatchObject({ behindTlsProxy: true });
    for (const no of ['false', '0', 'no', ''])
      expect(() => parseCommand(open, { MCP_BEHIND_TLS_PROXY: no }), no).toThrow(/without TLS/);
    expect(() => parseCommand(open, { MCP_BEHIND_TLS_PROXY: 'sure' })).toThrow(
      'MCP_BEHIND_TLS_PROXY must be true or false, not "sure"',
    );
    expect(parseCommand([...open, '--tls-cert', '/c.pem', '--tls-key', '/k.pem'], {})).toMatchObject({
      host: '0.0.0.0',
      behindTlsProxy: false,
      tls: { certFile: '/c.pem', keyFile: '/k.pem' },
    });
    // Loopback stays as it was: plain HTTP, nothing to say.
    expect(parseCommand(['--http', '--host', '127.0.0.1'], {})).toMatchObject({ behindTlsProxy: false });
    expect(() => parseCommand(['--http', '--behind-tls-proxy=yes'], {})).toThrow('--behind-tls-proxy takes no value');
  });
});
