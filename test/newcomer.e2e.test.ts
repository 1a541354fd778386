/**
 * A newcomer's first ten minutes: the README's quick-start and remote-mode commands, run as
 * written, in bash and in zsh (macOS's default shell), from the repository's folder. The blocks
 * run are the ones the README marks with `<!-- newcomer-check: … -->`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testFolder } from './helpers/temp.js';
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

/**
 * Runs `script` as a person pasting it into a terminal would: the lines on the stdin of an
 * interactive `shell` without their own start-up files. In zsh so, as on a stock macOS, `#` starts
 * no comment (INTERACTIVE_COMMENTS is off): a comment in a block becomes words of its command.
 * Temporary files (tsx keeps a folder there) go to a folder of the test's own.
 */
async function run(shell: string, script: string): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(shell, shell === 'zsh' ? ['-f', '-i'] : ['--norc', '--noprofile', '-i'], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: testFolder('newcomer') },
    detached: true,
  });
  // A block stuck on a prompt (zsh's `quote>`) never ends: stop it and whatever it started.
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 100_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(`${script}\nexit\n`);
  // On exit, not on close: a server a broken block left running would hold the pipes open.
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Whatever a failed block started in the background is in the shell's process group.
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Nothing left: the block stopped what it started.
  }
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  expect(stderr).not.toMatch(/command not found|unmatched|parse error|no such file/i);
  return { stdout, stderr };
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
