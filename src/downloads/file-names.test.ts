/**
 * The names files are saved under: a name made from an entry's title is always one a saved name
 * may be (a Windows device name included), and a name given is refused, with its reason, when it
 * is not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES, nameFromText, nameProblem, utf8Length } from './file-names.js';

const DEVICES = ['CON', 'prn', 'Aux', 'NUL', 'com1', 'COM9', 'lpt1', 'LPT9', 'CONIN$', 'conout$', 'COM¹'];
/** Titles of every kind, and titles that start with a Windows device name and a dot. */
const titles = fc.oneof(
  fc.string({ maxLength: 120, unit: 'grapheme' }),
  fc.string({ maxLength: 120, unit: 'binary' }),
  fc
    .tuple(fc.constantFrom(...DEVICES), fc.constantFrom('', ' ', '  '), fc.string({ maxLength: 20 }))
    .map(([device, spaces, rest]) => `${device}${spaces}.${rest}`),
);
const ids = fc.stringMatching(/^[0-9]{1,3}_[a-zA-Z0-9]{1,20}$/);
const extensions = fc.constantFrom('mp4', 'jpg', 'pdf', 'MOV', 'tar.gz', null);

describe('nameFromText', () => {
  it('always makes a name a saved name may be, within the byte budget', () => {
    fc.assert(
      fc.property(titles, ids, extensions, (title, id, extension) => {
        const name = nameFromText(title, id, extension);
        expect(nameProblem(name), name).toBeUndefined();
        expect(utf8Length(name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
      }),
      { numRuns: 2000 },
    );
  });

  it('makes a title that is a Windows device name before its first dot safe with a leading _', () => {
    expect(nameFromText('NUL.txt', '1_abc', 'mp4')).toBe('_NUL.txt [1_abc].mp4');
    expect(nameFromText('con. notes', '1_abc', 'mp4')).toBe('_con. notes [1_abc].mp4');
    expect(nameFromText('Console.log', '1_abc', 'mp4')).toBe('Console.log [1_abc].mp4');
  });
});

describe('nameProblem', () => {
  it.each([
    [' leading.mp4', 'it starts with a space'],
    ['trailing.mp4 ', 'it ends with a dot or a space'],
    ['NUL.txt [1_abc].mp4', 'it is a device name (CON, NUL, COM1, …)'],
    ['nul .mp4', 'it is a device name (CON, NUL, COM1, …)'],
    ['CONOUT$.mp4', 'it is a device name (CON, NUL, COM1, …)'],
  ])('refuses %j: %s', (name, reason) => {
    expect(nameProblem(name)).toBe(reason);
  });
});
