import { describe, expect, it } from 'vitest';
import { inFormTerms } from '../kaltura/config.js';
import { pythonJson, toToolResult } from './tool-call.js';

describe('pythonJson', () => {
  it("writes json.dumps' compact separators", () => {
    expect(pythonJson({ error: 'x', n: [1, null], o: { a: true } })).toBe(
      '{"error": "x", "n": [1, null], "o": {"a": true}}',
    );
  });

  it('matches json.dumps(indent=2)', () => {
    expect(pythonJson({ error: 'Invalid entry ID format' }, 2)).toBe('{\n  "error": "Invalid entry ID format"\n}');
  });
});

describe('toToolResult', () => {
  const call = { tool: 't', operation: 'do it', context: {} };
  const textOf = (data: Record<string, unknown>) => {
    const content = toToolResult({ ok: true, data }, call).content[0] as { text: string };
    return content.text;
  };

  it('indents a short answer and writes a long one on one line, the same object either way', () => {
    const short = { entryId: '1_a', n: 1 };
    expect(textOf(short)).toBe(JSON.stringify(short, null, 2));
    const long = { results: Array.from({ length: 500 }, (_, i) => ({ entryId: `1_${i}`, ok: true })) };
    expect(textOf(long)).toBe(JSON.stringify(long));
    expect(toToolResult({ ok: true, data: long }, call).structuredContent).toBe(long);
  });

  it("words the texts inside an answer as the bundle's form does, when asked to", () => {
    const data = {
      folder: '/x/KALTURA_DOWNLOAD_DIR-named-folder',
      manifestError: 'KALTURA_DOWNLOAD_DIR is read-only',
      results: [{ entry_id: '1_a', ok: false, error: 'already exists in KALTURA_DOWNLOAD_DIR' }],
    };
    const result = toToolResult({ ok: true, data }, call, inFormTerms);
    expect(result.structuredContent).toEqual({
      folder: '/x/KALTURA_DOWNLOAD_DIR-named-folder',
      manifestError: '"Download folder" is read-only',
      results: [{ entry_id: '1_a', ok: false, error: 'already exists in "Download folder"' }],
    });
    expect(toToolResult({ ok: true, data }, call).structuredContent).toBe(data);
  });
});
