#!/usr/bin/env node
/**
 * The published entry point (`dist/index.js`, the `kaltura-mcp` bin). It runs the bundled
 * server (`server.cjs`) from V8's code cache, built beside it at build time, so a cold start
 * skips compiling ~700 KB of SDK and zod. A cache from another Node version is rejected by V8
 * and the bundle is simply compiled as usual.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { BUNDLE_FILE, CACHE_FILE, wrapCommonJs } from './code-cache.js';

type CommonJsBody = (exports: object, require: NodeRequire, module: object, filename: string, dirname: string) => void;

const dir = dirname(fileURLToPath(import.meta.url));
const file = join(dir, BUNDLE_FILE);
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(join(dir, CACHE_FILE));
} catch {
  cachedData = undefined; // no cache: V8 compiles as usual
}
const script = new vm.Script(wrapCommonJs(readFileSync(file, 'utf8')), { filename: file, cachedData });
const commonJsModule = { exports: {} };
(script.runInThisContext() as CommonJsBody)(commonJsModule.exports, createRequire(file), commonJsModule, file, dir);
