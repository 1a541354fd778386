/**
 * server.json, the MCP Registry's description of this server, checked against the registry's
 * schema (vendored in test/fixtures/mcp-registry/, version 2025-12-11, never fetched) with Ajv;
 * and kept equal to what it names elsewhere: package.json's mcpName and version, the Docker
 * image's io.modelcontextprotocol.server.name label, the remote's Authorization header.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const read = (path: string) => readFileSync(root(path), 'utf8');
const SCHEMA_FILE = 'test/fixtures/mcp-registry/server.schema.json';
const SCHEMA_SHA256 = '3fba09590c99f61735d234822279f4223fab9e300c0a81e81c91ab62a4114de0';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(read(SCHEMA_FILE)) as object);
}

type ServerJson = {
  $schema: string;
  name: string;
  version: string;
  packages: Array<{ registryType: string; identifier: string; version?: string }>;
  remotes: Array<{ type: string; url: string; headers: Array<{ name: string; value: string; isSecret: boolean }> }>;
};
/** A parsed JSON document to break on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
const serverJson = () => JSON.parse(read('server.json')) as ServerJson;

describe('server.json', () => {
  it('uses the vendored schema as published (its hash)', () => {
    expect(
      createHash('sha256')
        .update(readFileSync(root(SCHEMA_FILE)))
        .digest('hex'),
    ).toBe(SCHEMA_SHA256);
    expect(serverJson().$schema).toBe(JSON.parse(read(SCHEMA_FILE)).$id);
  });

  it('is valid against the MCP Registry schema', () => {
    const validate = validator();
    const valid = validate(serverJson());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would be refused if it were wrong (the check has teeth)', () => {
    const validate = validator();
    const broken = (change: (s: Loose) => void) => {
      const copy = serverJson() as unknown as Loose;
      change(copy);
      return validate(copy);
    };
    expect(broken((s) => (s.name = 'kaltura-mcp'))).toBe(false);
    expect(broken((s) => (s.description = 'x'.repeat(101)))).toBe(false);
    expect(broken((s) => (s.packages[0].version = 'latest'))).toBe(false);
    expect(broken((s) => (s.remotes[0].type = 'websocket'))).toBe(false);
    expect(broken((s) => delete s.version)).toBe(false);
  });

  it('names the server as package.json and the image do, at the package’s version', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string; version: string; mcpName: string };
    const s = serverJson();
    expect(s.name).toBe(pkg.mcpName);
    expect(s.version).toBe(pkg.version);
    const npm = s.packages.find((p) => p.registryType === 'npm')!;
    expect(npm).toMatchObject({ identifier: pkg.name, version: pkg.version });
    const oci = s.packages.find((p) => p.registryType === 'oci')!;
    expect(oci.identifier.endsWith(`:${pkg.version}`)).toBe(true);
    const label = /LABEL io\.modelcontextprotocol\.server\.name="([^"]+)"/.exec(read('Dockerfile'));
    expect(label?.[1]).toBe(pkg.mcpName);
  });

  it("starts the image as its container package says: the image's own environment and the package's defaults", () => {
    const oci = (serverJson() as unknown as Loose).packages.find((p: Loose) => p.registryType === 'oci') as Loose;
    // The image's ENV, as the Dockerfile sets it.
    const dockerfile = read('Dockerfile');
    const env: Record<string, string> = {};
    for (const [, name, value] of dockerfile.matchAll(/^\s+(HOST|PORT|NODE_ENV)=(\S+?)(?:\s*\\)?$/gm))
      env[name!] = value!;
    expect(env).toMatchObject({ HOST: '0.0.0.0', PORT: '8080' });
    for (const variable of oci.environmentVariables as Loose[]) {
      if (variable.isRequired) env[variable.name as string] = variable.default as string;
    }
    // What the image's CMD runs (node dist/index.js --http) must not refuse to start.
    expect(dockerfile).toMatch(/CMD \["node", "dist\/index.js", "--http"\]/);
    expect(parseCommand(['--http'], env)).toMatchObject({ kind: 'http', host: '0.0.0.0', port: 8080 });
    // And without the TLS variable, it would refuse: the check has teeth.
    delete env.MCP_BEHIND_TLS_PROXY;
    expect(() => parseCommand(['--http'], env)).toThrow(/without TLS/);
  });

  it('offers the remote over streamable-http, HTTPS only, with the caller’s KS as a secret bearer token', () => {
    const [remote] = serverJson().remotes;
    expect(remote).toMatchObject({ type: 'streamable-http' });
    expect(remote!.url).toMatch(/^https:\/\/.*\/mcp$/);
    const auth = remote!.headers.find((h) => h.name === 'Authorization');
    expect(auth).toMatchObject({ value: 'Bearer {ks}', isSecret: true, isRequired: true });
  });
});
