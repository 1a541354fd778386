/**
 * The id rules every tool states in its schema: the original's `validate_entry_id`, also applied
 * to flavor ids.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryIdSchema, flavorIdSchema } from './arguments.js';

const RULE = /^[0-9]+_[a-zA-Z0-9]+$/;
const isEntryId = (value: unknown) => entryIdSchema.safeParse(value).success;
const isFlavorId = (value: unknown) => flavorIdSchema.safeParse(value).success;

describe('Kaltura id validation (the original validate_entry_id)', () => {
  it.each(['1_abc123', '0_a', '1_abcd1234', '123_X', `1_${'a'.repeat(48)}`])('accepts %s', (id) => {
    expect(isEntryId(id)).toBe(true);
    expect(isFlavorId(id)).toBe(true);
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
    expect(isEntryId(id)).toBe(false);
  });

  it('refuses anything that is not a string', () => {
    for (const value of [undefined, null, 12345, {}, ['1_abc'], true]) expect(isEntryId(value)).toBe(false);
  });

  it('never throws and accepts exactly the ids the rule and the 3–50 length allow', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9]{1,3}_[a-zA-Z0-9]{0,60}$/)), (s) => {
        const expected = RULE.test(s) && s.length >= 3 && s.length <= 50;
        expect(isEntryId(s)).toBe(expected);
        // A flavor id follows the same rule, or is empty (not given).
        expect(isFlavorId(s)).toBe(expected || s === '');
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a megabyte string', () => {
    expect(isEntryId(`1_${'a'.repeat(1024 * 1024)}`)).toBe(false);
  });
});
