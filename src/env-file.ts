/**
 * The `.env` file: the one KALTURA_ENV_FILE names, else the one in the server's own package
 * directory; parsed and merged under the real environment (which wins). Never the working
 * directory's: a host starts the server in whatever project it has open, and a `.env` there
 * could point KALTURA_SERVICE_URL at someone else's host, which would then receive a session
 * key (or, with session.start, the admin secret).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
    // A quoted value ends at its closing quote (a comment may follow); a bare one at ` #`.
    const quoted = /^(["'])((?:\\.|(?!\1).)*)\1\s*(?:#.*)?$/.exec(rawValue);
    let value: string;
    if (quoted) {
      value = quoted[2]!;
      if (quoted[1] === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = rawValue.replace(/\s+#.*$/, '');
    }
    out[key] = value;
  }
  return out;
}

/** Which `.env` was read, or why the one named could not be, or the working directory's one left unread. */
export type EnvFileOutcome = { file?: string; problem?: string; ignored?: string };

/**
 * Loads the `.env` that KALTURA_ENV_FILE names (relative to the working directory), else the one
 * in `ownDirectory` (the server's package), into `env`. Real environment variables win. A named
 * file that cannot be read is a problem to report at every call, not a reason to look elsewhere.
 */
export function loadEnvFile(env: Env, ownDirectory: string | undefined, cwd: string): EnvFileOutcome {
  const named = env.KALTURA_ENV_FILE?.trim();
  if (named) {
    const file = resolve(cwd, named);
    try {
      merge(env, readFileSync(file, 'utf8'));
      return { file };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return {
        problem: `KALTURA_ENV_FILE names ${file}, which cannot be read (${code}): fix the path, or unset KALTURA_ENV_FILE`,
      };
    }
  }
  const file = ownDirectory ? join(ownDirectory, '.env') : undefined;
  if (file && existsSync(file)) {
    merge(env, readFileSync(file, 'utf8'));
    return { file };
  }
  const ignored = join(cwd, '.env');
  return existsSync(ignored) && ignored !== file ? { ignored } : {};
}

function merge(env: Env, text: string): void {
  for (const [key, value] of Object.entries(parseDotEnv(text))) {
    if (env[key] === undefined) env[key] = value;
  }
}

/**
 * Settings an MCP bundle host left as their `${user_config.…}` placeholder (an optional field
 * the user did not fill in): they count as not set. Only a bundle's host writes such a value, so
 * finding one also sets KALTURA_MCP_BUNDLE (as the manifest does), for errors to name the form's
 * fields.
 */
export function dropUnfilledPlaceholders(env: Env): void {
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && /^\$\{user_config\.[A-Za-z0-9_]+\}$/.test(value.trim())) {
      delete env[key];
      env.KALTURA_MCP_BUNDLE ??= '1';
    }
  }
}
