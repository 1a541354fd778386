/**
 * vitest's global setup: every test run gets a temporary folder of its own and must leave it as
 * it found it, empty. TMPDIR (TEMP and TMP on Windows) names the folder, so `os.tmpdir()` in the
 * test files, and in every process they start with the environment passed on, points into it;
 * other programs using the machine's temporary directory at the same time cannot make the check
 * fail, nor hide a leftover of ours. At the end the run fails, naming each leftover, when anything
 * is left; the folder is removed either way, so that a failed check does not pile up.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VARIABLES = ['TMPDIR', 'TEMP', 'TMP'] as const;

export default function ownTempFolder(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'kaltura-mcp-test-run-'));
  // Others may pass through, not look: a test running as root starts a server as nobody, which
  // must reach the folder the test made for it inside.
  chmodSync(folder, 0o711);
  // tsx (which runs the TypeScript children some tests start) keeps a cache in the temporary
  // folder: a cache, not a leftover, and not wanted here.
  process.env.TSX_DISABLE_CACHE = '1';
  const previous = VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of VARIABLES) process.env[name] = folder;
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const left = leftovers(folder);
    rmSync(folder, { recursive: true, force: true });
    if (left.length === 0) return;
    process.stderr.write(
      `\nThe tests left ${left.length === 1 ? 'this' : `these ${left.length}`} in their temporary folder ${folder} (now removed); each test must remove what it creates:\n${left.map((entry) => `  ${entry}`).join('\n')}\n`,
    );
    // A throw here is only reported; the exit code is what fails CI.
    process.exitCode = 1;
  };
}

/** What is in `folder`, one level down inside each sub-folder so that a leftover says whose it is. */
function leftovers(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [entry.name];
    const inside = readdirSync(join(folder, entry.name));
    return [
      `${entry.name}/ (${inside.length ? inside.slice(0, 5).join(', ') : 'empty'}${inside.length > 5 ? ', …' : ''})`,
    ];
  });
}
