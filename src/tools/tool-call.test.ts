import { describe, expect, it } from 'vitest';
import { pythonJson } from './tool-call.js';

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
