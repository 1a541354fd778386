/**
 * The baseline the benchmark measures today's build against: another commit of this repository
 * (`BENCH_BASELINE`, `main` by default), built the way `npm run build` builds (its own
 * build/build.ts, this checkout's node_modules) in a temporary folder. On a branch, `main` is
 * the code before the branch's change; on main itself, name an older commit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A built baseline: its entry point, its short commit, and a function that removes it. */
export interface Baseline {
  entry: string;
  commit: string;
  remove(): void;
}

/** Builds `ref` (default: BENCH_BASELINE or `main`). Throws when git or the build fails. */
export function buildBaseline(ref = process.env.BENCH_BASELINE ?? 'main'): Baseline {
  const commit = execFileSync('git', ['rev-parse', '--short', ref], { cwd: root, encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'kaltura-mcp-baseline-'));
  try {
    const archive = execFileSync('git', ['archive', commit], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'build/build.ts'], {
      cwd: dir,
      stdio: 'ignore',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { entry: join(dir, 'dist/index.js'), commit, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
