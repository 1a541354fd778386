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
