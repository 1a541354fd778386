/**
 * A real MCP client other than ours: the MCP Inspector's CLI (@modelcontextprotocol/inspector-cli,
 * a devDependency with no engine limit; it works offline)
 * lists the built server's tools and calls each one against the sandbox.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox/server.js';
import { sandboxEnv, SERVER_ENTRY } from './helpers/server-process.js';

const run = promisify(execFile);
const INSPECTOR = fileURLToPath(new URL('../node_modules/.bin/mcp-inspector-cli', import.meta.url));

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

async function inspector(args: string[]): Promise<Record<string, unknown>> {
  const env = Object.entries(sandboxEnv(sandbox.url))
    .filter(([key]) => key.startsWith('KALTURA_'))
    .flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  const { stdout } = await run(INSPECTOR, ['--cli', ...env, process.execPath, SERVER_ENTRY, ...args], {
    // The CLI looks for a package.json at ../package.json of its working directory (to name
    // itself) and fails without one: run it from test/, whose parent has ours.
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    timeout: 60000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('MCP Inspector CLI', () => {
  it('lists the tools', async () => {
    const { tools } = (await inspector(['--method', 'tools/list'])) as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_download_url',
      'get_download_urls',
      'get_media_entry',
      'get_thumbnail_url',
      'list_media_entries',
      'save_media_file',
      'save_media_files',
    ]);
  });

  it.each([
    ['list_media_entries', ['limit=2', 'media_type=video'], 'entries'],
    ['get_media_entry', ['entry_id=1_demo0001'], 'flavors'],
    ['get_download_url', ['entry_id=1_origlast'], 'downloadUrl'],
    ['get_thumbnail_url', ['entry_id=1_demo0001', 'width=400', 'height=300'], 'thumbnailUrl'],
  ])('calls %s successfully', async (tool, toolArgs, field) => {
    const result = await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      tool,
      ...toolArgs.flatMap((a) => ['--tool-arg', a]),
    ]);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toHaveProperty(field);
  });
});
