/**
 * `npm run demo` as a newcomer runs it (after the build): it explains each of Kaltura's words
 * once, as it first comes up, never shows a secret, a KS or a whole download URL, keeps the
 * file it saved in the folder it names, and ends with what to do next.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('npm run demo', () => {
  it('teaches, keeps the saved file where it says, shows no credential, and ends with the next steps', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: ROOT,
      timeout: 60_000,
    });
    const folder = /the saved file stays in (\S+) /.exec(stdout)?.[1];
    try {
      for (const word of ['partner id', 'KS', 'entry', 'flavor', 'download URL']) {
        expect(
          stdout.split('\n').filter((line) => line.startsWith(`   · ${word}: `)),
          word,
        ).toHaveLength(1);
      }
      for (const output of [stdout, stderr]) {
        expect(output).not.toContain(SANDBOX_ADMIN_SECRET);
        // KS v2 starts with base64 "v2|"; a download URL carries its token after /ks/.
        expect(output).not.toMatch(/djJ8|\/ks\//);
      }
      expect(folder).toBeDefined();
      expect(readdirSync(folder!)).toEqual(['Demo video-1_demof001.mp4']);
      expect(stdout).toMatch(/\nnext:\n/);
      expect(stdout).toContain('npx @modelcontextprotocol/inspector');
      expect(stdout).toContain('claude mcp add kaltura');
      expect(stdout.split('\n').length).toBeLessThan(50);
    } finally {
      if (folder && existsSync(folder)) rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
