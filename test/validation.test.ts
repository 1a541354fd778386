import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidKalturaId, validateEntryId, validateFlavorId } from '../src/validation.js';

const RULE = /^[0-9]+_[a-zA-Z0-9]+$/;

describe('Kaltura id validation (the original validate_entry_id)', () => {
  it.each(['1_abc123', '0_a', '1_abcd1234', '123_X', `1_${'a'.repeat(48)}`])('accepts %s', (id) => {
    expect(validateEntryId(id)).toBe(true);
    expect(validateFlavorId(id)).toBe(true);
  });

  it.each([
    '',
    '1_',
    '_abc',
    'abc',
    '1-abc',
    '1_abc-def',
    '1_abc def',
    ' 1_abc',
    '1_abc\n',
    '1_ábc',
    '1_abc;DROP TABLE',
    '1_abc/../x',
    `1_${'a'.repeat(49)}`,
  ])('refuses %j', (id) => {
    expect(validateEntryId(id)).toBe(false);
  });

  it('refuses anything that is not a string', () => {
    for (const value of [undefined, null, 12345, {}, ['1_abc'], true]) expect(isValidKalturaId(value)).toBe(false);
  });

  it('never throws and accepts exactly the ids the rule and the 3–50 length allow', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9]{1,3}_[a-zA-Z0-9]{0,60}$/)), (s) => {
        const expected = RULE.test(s) && s.length >= 3 && s.length <= 50;
        expect(isValidKalturaId(s)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a megabyte string without scanning it', () => {
    expect(isValidKalturaId(`1_${'a'.repeat(1024 * 1024)}`)).toBe(false);
  });
});
