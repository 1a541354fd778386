/**
 * `npm run bundle`: packs the built server into `kaltura-mcp.mcpb`, the MCP bundle Claude
 * Desktop installs with a double click. The bundle holds manifest.json, the self-contained
 * `dist/` (with its third-party notices), LICENSE, README.md, a package.json that makes
 * `dist/index.js` an ES module, and `source/`: the npm package's tarball, which carries the
 * source the bundle is built from (the AGPL's corresponding source travels with the program;
 * as loose files, mcpb would leave out tsconfig.json and *.d.ts). No node_modules.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stage = join(root, '.cache', 'mcpb');
const output = join(root, 'kaltura-mcp.mcpb');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
};
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { version: string };
if (manifest.version !== pkg.version) {
  throw new Error(`manifest.json says version ${manifest.version}, package.json ${pkg.version}: make them agree`);
}
if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build first');

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true });
for (const file of ['manifest.json', 'LICENSE', 'README.md']) cpSync(join(root, file), join(stage, file));
mkdirSync(join(stage, 'source'));
execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', join(stage, 'source')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
writeFileSync(
  join(stage, 'package.json'),
  `${JSON.stringify({ name: pkg.name, version: pkg.version, license: pkg.license, type: 'module', private: true }, null, 2)}\n`,
);
rmSync(output, { force: true });
const mcpb = join(root, 'node_modules', '.bin', 'mcpb');
execFileSync(mcpb, ['pack', stage, output], { stdio: 'inherit' });
console.log(`built ${output}`);
