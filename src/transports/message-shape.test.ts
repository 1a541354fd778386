import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, structureProblem } from './message-shape.js';

describe('structureProblem', () => {
  const nested = (depth: number, leaf: unknown = 1) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i += 1) value = [value];
    return value;
  };

  it('refuses a nested id, a nested requestId and any body nested deeper than the limit, without recursing', () => {
    expect(structureProblem({ jsonrpc: '2.0', id: nested(5000), method: 'ping' })).toMatch(/nested more than 64/);
    expect(
      structureProblem({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: nested(5000) } }),
    ).toMatch(/nested more than 64/);
    expect(structureProblem({ jsonrpc: '2.0', id: { a: 1 }, method: 'ping' })).toBe(
      'id must be a string or an integer',
    );
    expect(structureProblem({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: [1] } })).toMatch(
      /requestId/,
    );
    expect(structureProblem([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { id: true }])).toMatch(/^id must/);
    // Exactly at the limit passes; one more level does not.
    expect(structureProblem(nested(MAX_DEPTH))).toBeUndefined();
    expect(structureProblem(nested(MAX_DEPTH + 1))).toMatch(/nested/);
  });

  it('passes ordinary messages', () => {
    for (const message of [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: { entry_ids: ['1_a'] } } },
      { jsonrpc: '2.0', id: 'a', result: {} },
      { jsonrpc: '2.0', id: null, error: { code: 1, message: 'x' } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } },
      'not even an object',
    ]) {
      expect(structureProblem(message)).toBeUndefined();
    }
  });
});
