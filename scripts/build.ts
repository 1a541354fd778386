/**
 * `npm run build`: bundles the server for a fast cold start.
 *   dist/server.cjs        the server and its dependencies (kaltura-client stays external and
 *                          is loaded on the first tool call)
 *   dist/server.cjs.cache  V8's code cache for it
 *   dist/index.js          the launcher (the `kaltura-mcp` bin)
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { BUNDLE_FILE, CACHE_FILE, wrapCommonJs } from '../src/code-cache.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(dist, BUNDLE_FILE),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  // kaltura-client is bundled too (its client and services; never its 96k-line model file),
  // and stays lazy: it is required on the first tool call, not at start-up.
  alias: { 'form-data': join(root, 'scripts/form-data-native.cjs') },
  // Lower its import() to require(), which the launcher provides; vm scripts have no ESM loader.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});

await build({
  entryPoints: [join(root, 'src/launcher.ts')],
  outfile: join(dist, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
chmodSync(join(dist, 'index.js'), 0o755);

// Compile the bundle once, as the launcher will, and keep V8's result.
const bundlePath = join(dist, BUNDLE_FILE);
const script = new vm.Script(wrapCommonJs(readFileSync(bundlePath, 'utf8')), { filename: bundlePath });
writeFileSync(join(dist, CACHE_FILE), script.createCachedData());
console.log(`built dist/index.js, dist/${BUNDLE_FILE} and its code cache`);
