/**
 * How the server is bundled, shared by `npm run build` and the benchmark's baseline (which must
 * be built the same way to compare with it): one ES module tree for Node 20, minified, with
 * three stand-ins that keep start-up small.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * zod exports every language's error messages as `z.locales`, and a namespace import keeps them
 * all (about 200 KB, compiled at every start). The server speaks English: only that one stays.
 */
const englishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/')
        ? { path: resolve(args.resolveDir, args.path), namespace: 'zod-english-only' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The SDK's server imports its Ajv provider (with Ajv, ajv-formats and fast-uri) to check
 * elicitation answers. This server never elicits and gives the SDK its own validator
 * (src/server.ts), so the provider is swapped for a stand-in that is never constructed.
 */
const noAjv: Plugin = {
  name: 'no-ajv',
  setup(b) {
    b.onResolve({ filter: /\/validation\/ajv-provider\.js$/ }, (args) =>
      args.importer.includes('/node_modules/@modelcontextprotocol/sdk/')
        ? { path: join(root, 'build/no-ajv.js') }
        : undefined,
    );
  },
};

export const BUNDLE_OPTIONS: BuildOptions = {
  plugins: [englishOnly, noAjv],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // The CommonJS packages inside (kaltura-client, axios) require Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // kaltura-client is bundled too (its client and services; never its 96k-line model file), and
  // stays lazy: its modules are evaluated on the first tool call, not at start-up. axios's
  // form-data dependency is replaced: see form-data-native.cjs.
  alias: { 'form-data': join(root, 'build/form-data-native.cjs') },
  logLevel: 'warning',
};
