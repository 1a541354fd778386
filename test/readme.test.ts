/**
 * The README's snippets are what users paste into their hosts' configuration: each JSON block
 * must parse, and every command it names must be a script of package.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const PACKAGE = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README', () => {
  const blocks = [...README.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it.each(blocks.map((block, i) => [i + 1, block]))('JSON block %i parses', (_, block) => {
    expect(() => JSON.parse(block)).not.toThrow();
  });

  it('names only npm scripts that exist', () => {
    const named = [...README.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const script of named) expect(PACKAGE.scripts, script).toHaveProperty(script);
  });
});
