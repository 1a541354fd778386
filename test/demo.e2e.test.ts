/**
 * `npm run demo` as a newcomer runs it (after the build): it explains each of Kaltura's words
 * once, as it first comes up, never shows a secret, a KS or a whole download URL, keeps the
 * files it saved (one, then a course with captions) in the folder it names, and ends with what
 * to do next.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
    const folder = /the saved files stay in (\S+) /.exec(stdout)?.[1];
    try {
      for (const word of ['partner id', 'KS', 'entry', 'flavor', 'download URL', 'category', 'caption']) {
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
      expect(readdirSync(folder!).sort()).toEqual(['Biology 101', 'Demo video [1_demo0001].mp4']);
      // The course: each lecture with its English captions and metadata, and the manifest.
      const course = readdirSync(join(folder!, 'Biology 101'));
      expect(course).toHaveLength(12 * 3 + 1);
      expect(course).toContain('Lecture 1_ Cells [4_bio00001].en.srt');
      expect(course).toContain('kaltura-manifest.json');
      expect(stdout).toMatch(/12 of 12 entries saved \(2\.\d MB\) with 3 requests to Kaltura/);
      expect(stdout).toContain('called again: 12 entries skipped, 0 bytes downloaded');
      expect(stdout).toMatch(/\nnext:\n/);
      expect(stdout).toContain('npx @modelcontextprotocol/inspector');
      expect(stdout).toContain('claude mcp add kaltura');
      expect(stdout.split('\n').length).toBeLessThan(60);
    } finally {
      if (folder && existsSync(folder)) rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
