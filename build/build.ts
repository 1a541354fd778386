/**
 * `npm run build`: bundles the server into one self-contained file, `dist/index.js` (the
 * `kaltura-mcp` bin), which runs with no node_modules at all.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

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

await build({
  entryPoints: [join(root, 'src/index.ts')],
  outdir: dist,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [englishOnly],
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
});
chmodSync(join(dist, 'index.js'), 0o755);
console.log('built dist/index.js');
