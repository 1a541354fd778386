/**
 * The package's own name and version, read from package.json (the one place they are written).
 */
import pkg from '../package.json' with { type: 'json' };

/** The server's name and version as announced at initialize. */
export const SERVER_INFO = { name: pkg.name, version: pkg.version } as const;
