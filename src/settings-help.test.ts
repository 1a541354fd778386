/**
 * `--help` names every setting the server reads: the variables are found in the source itself,
 * so a new one cannot be added without its line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS_HELP } from './settings-help.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** Every variable a source file reads: `env.NAME`, `env['NAME']`, or `(env, 'NAME'` handed to a reader. */
function variablesRead(): Set<string> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'),
  );
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const match of text.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)) {
      names.add(match[1] ?? match[2]!);
    }
  }
  return names;
}

describe('--help', () => {
  it('names every environment variable the server reads, and the proxy variables its HTTP clients read', () => {
    const read = variablesRead();
    // A sample the search must find, or it finds nothing at all.
    for (const known of [
      'KALTURA_ADMIN_SECRET',
      'KALTURA_APP_TOKEN_ID',
      'KALTURA_PARTIAL_TTL_HOURS',
      'MCP_MAX_CALLS',
    ]) {
      expect(read, known).toContain(known);
    }
    for (const name of [...read, 'HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY']) {
      expect(SETTINGS_HELP, name).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('keeps each line within 120 characters', () => {
    for (const line of SETTINGS_HELP.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
  });
});
