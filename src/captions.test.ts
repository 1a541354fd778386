import { describe, expect, it } from 'vitest';
import { chooseCaptions } from './captions.js';
import type { CaptionAsset } from './kaltura/types.js';

const caption = (id: string, languageCode: string, status = 2): CaptionAsset =>
  ({ id, languageCode, status }) as CaptionAsset;
const CAPTIONS = [caption('en', 'en'), caption('ptbr', 'pt-br'), caption('zhhans', 'zh-hans'), caption('de', 'de', 0)];
const ids = (list: CaptionAsset[]) => list.map((c) => c.id);

describe('chooseCaptions', () => {
  it('takes the exact code, else the language of a code with a region, else the regions of a bare language', () => {
    const chosen = chooseCaptions(CAPTIONS, { all: false, languages: ['en-us', 'pt', 'de', 'fr'] });
    expect(ids(chosen.ready)).toEqual(['en', 'ptbr']);
    expect(ids(chosen.notReady)).toEqual(['de']);
    expect(chosen.absent).toEqual(['fr']);
  });

  it('never takes another script, named or meant by a Chinese region, and takes the same one', () => {
    const chinese = [caption('hans', 'zh-hans'), caption('cn', 'zh-cn'), caption('hant', 'zh-hant')];
    expect(ids(chooseCaptions(chinese.slice(0, 2), { all: false, languages: ['zh-tw'] }).ready)).toEqual([]);
    expect(ids(chooseCaptions(chinese, { all: false, languages: ['zh-tw'] }).ready)).toEqual(['hant']);
    expect(ids(chooseCaptions(chinese, { all: false, languages: ['zh-sg'] }).ready)).toEqual(['hans', 'cn']);
  });

  it('never takes another script for a code that names one', () => {
    expect(chooseCaptions(CAPTIONS, { all: false, languages: ['zh-hant'] })).toMatchObject({
      ready: [],
      absent: ['zh-hant'],
    });
    expect(ids(chooseCaptions(CAPTIONS, { all: false, languages: ['zh'] }).ready)).toEqual(['zhhans']);
  });

  it('takes the bare language for a region it lacks before any other region', () => {
    const english = [caption('en', 'en'), caption('enus', 'en-us'), caption('engb', 'en-gb')];
    expect(ids(chooseCaptions(english, { all: false, languages: ['en-au'] }).ready)).toEqual(['en']);
    expect(ids(chooseCaptions(english.slice(1), { all: false, languages: ['en-au'] }).ready)).toEqual(['enus', 'engb']);
  });
});
