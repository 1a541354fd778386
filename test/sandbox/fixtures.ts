/**
 * The sandbox's deterministic data: one partner, and entries that cover each case the tools
 * must handle (original first or last, no original, no flavors, flavors not READY, more than a
 * page of flavors, unknown size, a long unicode title).
 */

export const SANDBOX_PARTNER_ID = 976543;
/** The sandbox partner's admin secret. Tests grep every byte the server writes for it. */
export const SANDBOX_ADMIN_SECRET = 'sbx-admin-7f3c9a1e5b2d4f60a8c1';

/** KalturaFlavorAssetStatus codes used below. */
const READY = 2;
const CONVERTING = 1;
const QUEUED = 0;
const ERROR = -1;

export interface FixtureFlavor {
  id: string;
  flavorParamsId: number;
  /** The flavor params' name, used in the served file name, e.g. "Source". */
  paramsName: string;
  isOriginal: boolean;
  status: number;
  /** KB; undefined means Kaltura omits the field. */
  size?: number;
  bitrate: number;
  fileExt?: string;
  width: number;
  height: number;
  tags: string;
}

export interface FixtureEntry {
  id: string;
  name: string;
  description: string;
  /** 1 video, 2 image, 5 audio. */
  mediaType: number;
  tags: string;
  duration: number;
  createdAt: number;
  plays: number;
  views: number;
  flavors: FixtureFlavor[];
  /** Kaltura sends no thumbnailUrl for this entry. */
  noThumbnail?: boolean;
}

const source = (id: string, extra: Partial<FixtureFlavor> = {}): FixtureFlavor => ({
  id,
  flavorParamsId: 0,
  paramsName: 'Source',
  isOriginal: true,
  status: READY,
  size: 18712,
  bitrate: 2493,
  fileExt: 'mp4',
  width: 1280,
  height: 720,
  tags: 'source,web',
  ...extra,
});

const rendition = (id: string, paramsId: number, extra: Partial<FixtureFlavor> = {}): FixtureFlavor => ({
  id,
  flavorParamsId: paramsId,
  paramsName: `Rendition ${paramsId}`,
  isOriginal: false,
  status: READY,
  size: 4650,
  bitrate: 612,
  fileExt: 'mp4',
  width: 640,
  height: 360,
  tags: 'mobile,web,mbr',
  ...extra,
});

const entry = (
  id: string,
  name: string,
  flavors: FixtureFlavor[],
  extra: Partial<FixtureEntry> = {},
): FixtureEntry => ({
  id,
  name,
  description: `Sandbox entry: ${name}`,
  mediaType: 1,
  tags: 'sandbox',
  duration: 61,
  createdAt: 1718000000,
  plays: 12,
  views: 30,
  flavors,
  ...extra,
});

/** A title long enough to wrap anything, with accents, CJK, emoji and an RTL run. */
export const LONG_UNICODE_TITLE =
  'Ünïcødé réunion — 日本語のタイトル 🎬 «Ελληνικά» עברית ' + 'ça-va-très-bien-ありがとう-🙂 '.repeat(8).trim();

export const ENTRIES: FixtureEntry[] = [
  entry('1_demo0001', 'Demo video', [
    source('1_demof001'),
    rendition('1_demof002', 487041),
    rendition('1_demof003', 487051, { size: 9000, bitrate: 1200, width: 960, height: 540 }),
  ]),
  entry('1_origlast', 'Original listed last', [
    rendition('1_olastf01', 487041),
    rendition('1_olastf02', 487051),
    source('1_olastsrc', { fileExt: 'mov', size: 50000, bitrate: 8000 }),
  ]),
  entry('1_noorig01', 'No original kept', [
    rendition('1_noorigf1', 487041, { bitrate: 900 }),
    rendition('1_noorigf2', 487051, { bitrate: 400 }),
  ]),
  entry('1_noflav01', 'Entry without flavors', []),
  entry('1_convert1', 'Original still converting', [
    source('1_convsrc1', { status: CONVERTING }),
    rendition('1_convf002', 487041, { status: QUEUED }),
    rendition('1_convf003', 487051),
  ]),
  entry('1_allconv1', 'Nothing ready yet', [
    source('1_allcsrc1', { status: CONVERTING }),
    rendition('1_allcf002', 487041, { status: ERROR }),
  ]),
  entry(
    '1_many0001',
    'Forty-five flavors',
    Array.from({ length: 45 }, (_, i) => {
      const id = `1_manyf${String(i).padStart(3, '0')}`;
      return i === 40 ? source(id) : rendition(id, 500000 + i, { bitrate: 300 + i });
    }),
  ),
  entry('1_nosize01', 'Unknown size', [
    source('1_nosizef1', { size: 0 }),
    rendition('1_nosizef2', 487041, { size: undefined, fileExt: undefined }),
  ]),
  entry('1_unicode1', LONG_UNICODE_TITLE, [source('1_unicodf1')]),
  entry(
    '1_audio001',
    'Podcast episode',
    [source('1_audiof01', { fileExt: 'mp3', width: 0, height: 0, bitrate: 128 })],
    {
      mediaType: 5,
      tags: 'sandbox,audio,podcast',
    },
  ),
  entry('1_image001', 'Poster image', [], { mediaType: 2, tags: 'sandbox,image', duration: 0 }),
  entry('1_nothumb1', 'No thumbnail yet', [source('1_nothumf1')], { noThumbnail: true }),
];

/** Entries by id. */
export const ENTRY_BY_ID = new Map(ENTRIES.map((e) => [e.id, e]));
