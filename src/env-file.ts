/**
 * The `.env` file: found beside the server or in the working directory, parsed, and merged under
 * the real environment (which wins).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * The server's own directory: the package root, found from the script Node was started with
 * (`dist/index.js`, or `src/index.ts` in development), through any `bin` symlink.
 */
export function serverDirectory(entryScript: string | undefined): string | undefined {
  if (!entryScript) return undefined;
  try {
    return dirname(dirname(realpathSync(entryScript)));
  } catch {
    return undefined;
  }
}

/**
 * Parses a `.env` file: `KEY=value` lines, `#` comments, optional `export `, single or double
 * quotes. Pure.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rawValue] = match as unknown as [string, string, string];
    let value = rawValue;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}

/**
 * Loads the first `.env` found in `directories` (the server's own directory, then the working
 * directory) into `env`. Real environment variables win. Returns the file used, if any.
 */
export function loadDotEnv(env: Env, directories: string[]): string | undefined {
  for (const dir of directories) {
    const file = join(dir, '.env');
    if (!existsSync(file)) continue;
    for (const [key, value] of Object.entries(parseDotEnv(readFileSync(file, 'utf8')))) {
      if (env[key] === undefined) env[key] = value;
    }
    return file;
  }
  return undefined;
}
