/**
 * The names of an entry's files: whatever the entry's name, its file's format and its captions'
 * languages and formats, no file beside the media file ever takes its name, or another's, or
 * leaves the folder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptionAsset } from '../kaltura/types.js';
import { companionNames } from './entry-saver.js';
import { entryFileName, savedName } from './file-names.js';

const formats = fc.oneof(
  fc.constantFrom('mp4', 'jpg', 'JPG', 'jpeg', 'json', 'srt', 'info', 'en.srt', 'info.json', 'tar.gz', null),
  fc.string({ maxLength: 12 }),
);
const captions = fc.array(
  fc.record({
    id: fc.constant('1_cap'),
    languageCode: fc.oneof(fc.constantFrom('en', 'EN', 'info', 'pt_BR', '', 'und'), fc.string({ maxLength: 8 })),
    format: fc.constantFrom('1', '2', '3', '9', undefined),
    fileExt: fc.oneof(fc.constantFrom('json', 'srt', 'jpg', '../x', 'a/b', ''), fc.string({ maxLength: 8 })),
  }) as fc.Arbitrary<CaptionAsset>,
  { maxLength: 6 },
);
const mediaNames = fc.oneof(
  fc
    .tuple(fc.string({ maxLength: 60 }), formats)
    .map(([title, format]) => [entryFileName(title, '1_abc', format), format] as const),
  fc
    .tuple(fc.constantFrom('clip', 'Clip.JPG', 'x.info', 'a.en', 'notes.jpg', 'lecture.mp4'), formats)
    .map(([given, format]) => [savedName(given, format), format] as const),
);

describe('companionNames', () => {
  it("never gives a file beside the media file the media file's name, another's, or a path", () => {
    fc.assert(
      fc.property(mediaNames, captions, ([mediaName, format], assets) => {
        const names = companionNames(mediaName, format, assets);
        const all = [mediaName, ...names.captions, ...(names.thumbnail ? [names.thumbnail] : []), names.metadata];
        const folded = all.map((n) => n.normalize('NFC').toLowerCase());
        expect(new Set(folded).size, all.join(' | ')).toBe(all.length);
        for (const name of all.slice(1)) expect(name).not.toMatch(/[/\\]/);
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves the thumbnail out when the media file is a JPEG named as it would be, in any case', () => {
    expect(companionNames('Poster [1_abc].jpg', 'jpg', []).thumbnail).toBeUndefined();
    expect(companionNames('Poster.JPG', 'jpg', []).thumbnail).toBeUndefined();
    expect(companionNames('Talk [1_abc].mp4', 'mp4', []).thumbnail).toBe('Talk [1_abc].jpg');
  });
});
