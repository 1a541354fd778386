import { describe, expect, it } from 'vitest';
import { answerType } from './answer-type.js';

describe('answerType', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['*/*', 'json'],
    ['application/*', 'json'],
    ['application/json, text/event-stream', 'json'],
    ['text/event-stream', 'sse'],
    ['text/*', 'sse'],
    ['application/json;q=0, text/event-stream', 'sse'],
    ['text/event-stream, application/json;q=0.5', 'sse'],
    ['text/html', undefined],
    ['application/json;q=0', undefined],
    ['*/*;q=0', undefined],
  ])('Accept %j → %s', (accept, expected) => {
    expect(answerType(accept)).toBe(expected);
  });
});
