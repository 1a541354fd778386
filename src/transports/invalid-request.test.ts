import { describe, expect, it } from 'vitest';
import { idInHead, invalidRequest, lineVerdict } from './invalid-request.js';

const call = (meta: unknown, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 7,
  method: 'tools/call',
  params: { name: 'get_download_url', arguments: { entry_id: '1_demo0001' }, _meta: meta },
  ...extra,
});

describe('invalidRequest', () => {
  it('lets through every message the SDK takes', () => {
    expect(invalidRequest(call({ progressToken: 'p1' }))).toBeUndefined();
    expect(invalidRequest(call({ progressToken: 3 }))).toBeUndefined();
    expect(invalidRequest(call(undefined))).toBeUndefined();
    expect(invalidRequest({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBeUndefined();
    expect(invalidRequest({ jsonrpc: '2.0', id: 'a', result: {} })).toBeUndefined();
  });

  it.each([[null], [true], [1.5], [{ token: 1 }], [[1]]])(
    'answers a progress token of %j with -32602 naming _meta.progressToken, to the request id',
    (token) => {
      const refusal = invalidRequest(call({ progressToken: token }));
      expect(refusal?.answer).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32602 } });
      expect(refusal?.answer?.error.message).toMatch(
        /^Invalid params: _meta\.progressToken must be a string or an integer/,
      );
    },
  );

  it('names a member a JSON-RPC message does not have', () => {
    expect(invalidRequest({ jsonrpc: '2.0', id: 1, method: 'ping', x: 'a' })?.answer).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32600,
        message: 'Invalid Request: unknown member "x": a request holds jsonrpc, id, method and params only',
      },
    });
  });

  it('says why an integer beyond 2^53 is refused as a progress token, and how to send it', () => {
    // As JSON.parse reads "12345678901234567890": the digits past 2^53 are lost.
    const token = JSON.parse('12345678901234567890') as number;
    expect(invalidRequest(call({ progressToken: token }))?.answer?.error.message).toBe(
      'Invalid params: _meta.progressToken must be a string or an integer, not 12345678901234567000, an integer beyond 2^53 that JSON readers cannot hold exactly (send it as a string); leave it out to call without progress',
    );
  });

  it('names what is wrong with other requests the SDK would drop', () => {
    expect(invalidRequest(call('x'))?.answer).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32602, message: 'Invalid params: _meta must be an object' },
    });
    expect(invalidRequest({ jsonrpc: '2.0', id: 'q', method: 'tools/list', params: [1] })?.answer).toMatchObject({
      id: 'q',
      error: { code: -32602, message: 'Invalid params: params must be an object' },
    });
    expect(invalidRequest({ jsonrpc: '1.0', id: 1, method: 'tools/list' })?.answer?.error.message).toBe(
      'Invalid Request: jsonrpc must be "2.0"',
    );
    expect(invalidRequest({ jsonrpc: '2.0', id: 1, method: 5 })?.answer?.error.code).toBe(-32600);
  });

  it('answers to id null when the id itself is wrong or missing', () => {
    const refusal = invalidRequest({ jsonrpc: '2.0', id: 1.5, method: 'tools/list' });
    expect(refusal?.answer).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request: id must be a string or an integer' },
    });
    expect(invalidRequest({ jsonrpc: '2.0', id: null, method: 'tools/list' })?.answer?.id).toBeNull();
    expect(invalidRequest('hello')?.answer?.error.code).toBe(-32600);
    expect(invalidRequest(null)?.answer?.error.code).toBe(-32600);
  });

  it('never answers a notification or a response, but still gives the reason', () => {
    const notification = invalidRequest({ jsonrpc: '2.0', method: 'notifications/progress', params: 'x' });
    expect(notification).toEqual({ reason: 'params must be an object' });
    expect(invalidRequest({ jsonrpc: '2.0', id: 1, result: 'not an object' })).toEqual({
      reason: 'a response the schema refuses',
    });
  });
});

describe('lineVerdict', () => {
  const line = (text: string) => Buffer.from(text, 'utf8');

  it('hands on a blank line and a well-formed message', () => {
    expect(lineVerdict(line('   '))).toBeUndefined();
    expect(lineVerdict(line(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })))).toBeUndefined();
  });

  it('answers a line that is not JSON with -32700 to id null', () => {
    expect(lineVerdict(line('{"jsonrpc": "2.0", "id": 1,'))?.answer).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32700,
        message: 'Parse error: the line is not JSON; send each JSON-RPC message as one line of JSON',
      },
    });
  });

  it('refuses a message nested too deep before anything walks it, to its id', () => {
    const deep = `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(lineVerdict(line(deep))?.answer).toMatchObject({ id: 5, error: { code: -32600 } });
  });
});

describe('idInHead', () => {
  const head = (text: string) => Buffer.from(text, 'utf8');

  it("finds the outer object's id before its first nested value", () => {
    expect(idInHead(head('{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"x":"'))).toBe('big');
    expect(idInHead(head('\uFEFF {"id": 12, "method":"tools/call","params":{'))).toBe(12);
  });

  it('gives null when the id is not there, nested, or not a string or an integer', () => {
    expect(idInHead(head('{"jsonrpc":"2.0","method":"tools/call","params":{"id":5,'))).toBeNull();
    expect(idInHead(head('{"jsonrpc":"2.0","id":1.5,"method":"x"'))).toBeNull();
    expect(idInHead(head('[{"id":1}'))).toBeNull();
    expect(idInHead(head('xxxxxxxx'))).toBeNull();
  });
});
