/**
 * `npm run build`: bundles the server into `dist/index.js` (the `kaltura-mcp` bin) and the chunks
 * it loads on demand, which run with no node_modules at all, and writes
 * `dist/THIRD_PARTY_NOTICES.md`: every package the bundle carries, with its version, licence
 * and licence text.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from './options.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const result = await build({
  ...BUNDLE_OPTIONS,
  // dist/index.js is the launcher: it tunes the heap, then imports the server (src/index.ts).
  entryPoints: { index: join(root, 'src/launch.ts') },
  metafile: true,
  outdir: dist,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
const bundled = Object.keys(result.metafile.inputs);
if (bundled.some((input) => input.includes('node_modules/ajv'))) {
  throw new Error('Ajv is in the bundle again: a new import of it needs the no-ajv stand-in (build/no-ajv.js)');
}
chmodSync(join(dist, 'index.js'), 0o755);
writeFileSync(join(dist, 'THIRD_PARTY_NOTICES.md'), notices(bundled));
console.log('built dist/index.js, its chunks and dist/THIRD_PARTY_NOTICES.md');

/** A package's licence file, or else the licence section of its README. */
function licenceText(dir: string): string | undefined {
  const files = readdirSync(dir);
  const licence = files.find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (licence) return readFileSync(resolve(dir, licence), 'utf8').trim();
  const readme = files.find((f) => /^readme\.md$/i.test(f));
  const section = readme
    ? /^#*\s*licen[cs]e\s*\n(?:-+\n)?([\s\S]*?)(?=\n#+ |\n[^\n]+\n-{3,}\n|(?![\s\S]))/im.exec(
        readFileSync(resolve(dir, readme), 'utf8'),
      )
    : null;
  return section?.[1]?.trim() || undefined;
}

/** The notices for every package an input of the bundle comes from. */
function notices(inputs: string[]): string {
  const roots = new Set<string>();
  for (const input of inputs) {
    // A plugin's input is named `<namespace>:<absolute path>`.
    const file = input.replace(/\\/g, '/').replace(/^[\w-]+:(?=\/)/, '');
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) roots.add(resolve(root, match[1]!));
  }
  const packages = [...roots]
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(resolve(root, dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string;
        homepage?: string;
      };
      return { ...pkg, text: licenceText(dir) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    '# Third-party notices',
    '',
    'kaltura-mcp is licensed under the GNU Affero General Public License, version 3 or later (see',
    'LICENSE). Its bundle (`dist/`) carries the packages below, each under its own licence.',
    '',
    '| Package | Version | Licence |',
    '| --- | --- | --- |',
    ...packages.map((p) => `| ${p.name} | ${p.version} | ${p.license ?? 'see its text below'} |`),
    '',
  ];
  for (const p of packages) {
    lines.push(
      `## ${p.name} ${p.version}`,
      '',
      `Licence: ${p.license ?? 'unstated'}${p.homepage ? `; ${p.homepage}` : ''}`,
      '',
    );
    if (p.text) lines.push('```', p.text, '```', '');
    else lines.push('(The package ships no licence text.)', '');
  }
  return lines.join('\n');
}
