/**
 * A newcomer's first ten minutes: the README's quick-start and remote-mode commands, run as
 * written, in bash and in zsh (macOS's default shell), from the repository's folder. The blocks
 * run are the ones the README marks with `<!-- newcomer-check: … -->`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The shell block right after the marker `<!-- newcomer-check: name -->`. */
function block(name: string): string {
  const found = new RegExp(`<!-- newcomer-check: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!found) throw new Error(`the README has no newcomer-check block "${name}"`);
  return found[1]!;
}

const has = (shell: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

async function run(shell: string, script: string) {
  return promisify(execFile)(shell, ['-c', script], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
}

describe.each(['bash', 'zsh'])('the README in %s', (shell) => {
  // zsh comes from the system (CI installs it); without it this shell's run cannot happen.
  const test = has(shell) ? it : it.skip;

  test('runs the quick start: the demo, with no account', async () => {
    const { stdout } = await run(shell, block('quick-start'));
    const folder = /the saved files stay in (\S+) /.exec(stdout)?.[1];
    try {
      expect(stdout).toContain('kaltura-mcp, run as an MCP host runs it');
      expect(stdout).toMatch(/12 of 12 entries saved/);
      expect(stdout).toMatch(/\nnext:\n/);
      expect(stdout).not.toContain(SANDBOX_ADMIN_SECRET);
    } finally {
      if (folder && existsSync(folder)) rmSync(folder, { recursive: true, force: true });
    }
  }, 150_000);

  test('runs the remote-mode walk-through against the sandbox', async () => {
    const { stdout } = await run(shell, block('remote'));
    const answer = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      result: { structuredContent: { entryId: string; flavorId: string; downloadUrl: string } };
    };
    expect(answer.result.structuredContent).toMatchObject({ entryId: '1_demo0001', flavorId: '1_demof001' });
  }, 150_000);
});
