/**
 * The package's own name and version, read from package.json (the one place they are written).
 */
import pkg from '../package.json' with { type: 'json' };

/** The server as announced at initialize. */
export const SERVER_INFO = {
  name: pkg.name,
  title: 'Kaltura',
  version: pkg.version,
  description: pkg.description,
};

/**
 * Where this program's source is: the AGPL asks that remote users can get it. A deployment of a
 * modified copy names its own with KALTURA_MCP_SOURCE_URL (read after the .env file).
 */
export function sourceUrl(env: Record<string, string | undefined>): string {
  return env.KALTURA_MCP_SOURCE_URL?.trim() || pkg.homepage;
}
