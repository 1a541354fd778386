/**
 * The wrapper that turns the CommonJS bundle into a function, shared by the launcher (which runs
 * it) and the build (which caches V8's compilation of exactly this text).
 */

/** The bundle's source wrapped as Node's CommonJS loader would, shebang removed. */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source.replace(/^#!.*/, '')}\n})`;
}

/** The bundle's file name beside the launcher, and its cache's. */
export const BUNDLE_FILE = 'server.cjs';
export const CACHE_FILE = 'server.cjs.cache';
