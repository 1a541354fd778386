import { describe, expect, it } from 'vitest';
import { maskCredential } from './kaltura/deps.js';
import { Redactor } from './redact.js';

describe('Redactor', () => {
  it("masks registered secrets the original's way and removes anything shaped like a KS", () => {
    const redactor = new Redactor();
    redactor.add('super-secret-value');
    expect(redactor.redact('bad secret super-secret-value here')).toBe('bad secret supe*** here');
    expect(redactor.redact('Invalid KS "djJ8OTc2NTQzfABCDEFGHIJKLMNOP==", Error')).toBe(
      'Invalid KS "[KS redacted]", Error',
    );
  });

  it('cuts URLs down to their origin in logs', () => {
    const redactor = new Redactor();
    expect(redactor.redactForLog('got https://cdn.example.com/p/1/serveFlavor/ks/abc/name/a.mp4 ok')).toBe(
      'got https://cdn.example.com/… ok',
    );
  });

  it('masks short credentials entirely', () => {
    expect(maskCredential('abc')).toBe('***');
    expect(maskCredential('abcdefgh')).toBe('abcd***');
  });
});
