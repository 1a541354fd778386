/**
 * A newcomer's first ten minutes: the README's quick-start and remote-mode commands, run as
 * written, in bash and in zsh (macOS's default shell), from a copy of the checkout. The blocks
 * run are the ones the README marks with `<!-- newcomer-check: … -->`.
 *
 * A copy, because the blocks run `npm install` and `npm run build`, and the build empties dist/
 * before it writes it again: in the checkout, that pulled dist/index.js from under the other
 * end-to-end tests running at the same time. The copy holds the checkout's files (tracked, and
 * new ones git does not ignore) and a hard-linked node_modules, so its `npm install` has nothing
 * to fetch and nothing it writes reaches the checkout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFolder } from './helpers/temp.js';
import { SANDBOX_ADMIN_SECRET } from './sandbox/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/**
 * A copy of the checkout in a new temporary folder, as {@link run} uses it: the files git knows
 * or would add, and node_modules with its files hard-linked (copied where links cannot be made),
 * npm's own record of the tree copied, since npm rewrites it in place.
 */
function copyOfCheckout(): string {
  const copy = mkdtempSync(join(tmpdir(), 'kaltura-mcp-newcomer-checkout-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  try {
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(copy, 'node_modules')], { stdio: 'ignore' });
  } catch {
    rmSync(join(copy, 'node_modules'), { recursive: true, force: true });
    cpSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  }
  const npmRecord = join(copy, 'node_modules', '.package-lock.json');
  if (existsSync(npmRecord)) {
    rmSync(npmRecord);
    copyFileSync(join(ROOT, 'node_modules', '.package-lock.json'), npmRecord);
  }
  return copy;
}

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
async function run(shell: string, script: string, cwd: string): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(shell, shell === 'zsh' ? ['-f', '-i'] : ['--norc', '--noprofile', '-i'], {
    cwd,
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
  let checkout = '';
  beforeAll(() => {
    if (has(shell)) checkout = copyOfCheckout();
  });
  afterAll(() => {
    if (checkout) rmSync(checkout, { recursive: true, force: true });
  });

  test('runs the quick start: the demo, with no account', async () => {
    const { stdout } = await run(shell, block('quick-start'), checkout);
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
    const { stdout } = await run(shell, block('remote'), checkout);
    const answer = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      result: { structuredContent: { entryId: string; flavorId: string; downloadUrl: string } };
    };
    expect(answer.result.structuredContent).toMatchObject({ entryId: '1_demo0001', flavorId: '1_demof001' });
  }, 150_000);
});
