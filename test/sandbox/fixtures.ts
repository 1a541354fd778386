/**
 * The sandbox's deterministic data: two partners, and entries that cover each case the tools
 * must handle (original first or last, no original, no flavors, flavors not READY, more than a
 * page of flavors, unknown size, a long unicode title, access control, remote storage, entries
 * that media.list hides by default).
 */

export const SANDBOX_PARTNER_ID = 976543;
/** The sandbox partner's admin secret. Tests grep every byte the server writes for it. */
export const SANDBOX_ADMIN_SECRET = 'sbx-admin-7f3c9a1e5b2d4f60a8c1';
/** Its user secret: good for session.start of a USER session, never for signing a KS. */
export const SANDBOX_USER_SECRET = 'sbx-user-2b8d0c6e4a1f3957d2e0';

/** A second partner, for proving that two callers' sessions never see each other's data. */
export const OTHER_PARTNER_ID = 976544;
export const OTHER_ADMIN_SECRET = 'sbx-other-9c1e7a3b5d2f4068b1e3';

export interface FixturePartner {
  id: number;
  adminSecret: string;
  userSecret: string;
}

export const PARTNERS: readonly FixturePartner[] = [
  { id: SANDBOX_PARTNER_ID, adminSecret: SANDBOX_ADMIN_SECRET, userSecret: SANDBOX_USER_SECRET },
  { id: OTHER_PARTNER_ID, adminSecret: OTHER_ADMIN_SECRET, userSecret: 'sbx-other-user-51d3a8e2c7b94f06' },
];

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
  /** KB as Kaltura reports it; undefined means Kaltura omits the field. */
  size?: number;
  /**
   * The file's real length in bytes. By default `size` × 1024 + 700: Kaltura's `size` is the
   * length in KB, rounded then truncated, so a real file is almost never a multiple of 1024.
   */
  bytes?: number;
  /** An older asset whose `sizeInBytes` Kaltura never recorded: it sends 0. */
  legacySize?: boolean;
  /** The asset's version; replacing the file raises it (the sandbox's replaceFlavorFile). */
  version: number;
  /** Unix seconds; replacing the file moves it. */
  updatedAt: number;
  bitrate: number;
  fileExt?: string;
  width: number;
  height: number;
  tags: string;
  /** Kaltura keeps this flavor's file only on remote storage: getUrl answers null. */
  remoteOnly?: boolean;
}

/** The file an image or document entry keeps itself (served at its raw URL, without flavors). */
export interface FixtureData {
  bytes: number;
  /** The stored file's extension, e.g. `jpg`. */
  ext: string;
  /** The data file's base name, which Kaltura sends as the entry's `version` (a string). */
  version: string;
}

export interface FixtureEntry {
  partnerId: number;
  id: string;
  name: string;
  /** KalturaEntryType: 1 media clip (the default), 10 document. */
  type: number;
  /** For documents: KalturaDocumentType (13 PDF). */
  documentType?: number;
  /** An image's own file. */
  data?: FixtureData;
  width?: number;
  height?: number;
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
  /** KalturaEntryStatus: 2 READY (the default), 1 PRECONVERT, … */
  status: number;
  /** KalturaEntryModerationStatus: 6 AUTO_APPROVED (the default), 1 PENDING_MODERATION, 3 REJECTED. */
  moderationStatus: number;
  /** An access-control profile that restricts downloads to sessions allowed to download it. */
  restricted?: boolean;
  /** The user who owns it: a USER session without `list:*` lists only its own user's entries. */
  ownerId: string;
  /** The categories it is in, directly (101, Sandbox, by default). */
  categoryIds?: number[];
  /** Its caption assets. */
  captions?: FixtureCaption[];
}

/** A caption asset: KalturaCaptionAsset's fields the sandbox keeps. */
export interface FixtureCaption {
  id: string;
  /** KalturaLanguage, e.g. `English`. */
  language: string;
  /** KalturaLanguageCode, e.g. `en`. */
  languageCode: string;
  label: string;
  /** KalturaCaptionType, a string: "1" SRT, "2" DFXP, "3" WEBVTT. */
  format: '1' | '2' | '3';
  isDefault: boolean;
  /** KalturaCaptionAssetStatus: 2 READY, 0 QUEUED (added, no content yet), -1 ERROR. */
  status: number;
}

/** A category: KalturaCategory's fields the sandbox keeps. */
export interface FixtureCategory {
  id: number;
  partnerId: number;
  name: string;
  /** 0 at the root. */
  parentId: number;
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
  version: 1,
  updatedAt: 1718000090,
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
  version: 1,
  updatedAt: 1718000160,
  ...extra,
});

const entry = (
  id: string,
  name: string,
  flavors: FixtureFlavor[],
  extra: Partial<FixtureEntry> = {},
): FixtureEntry => ({
  partnerId: SANDBOX_PARTNER_ID,
  id,
  name,
  type: 1,
  description: `Sandbox entry: ${name}`,
  mediaType: 1,
  tags: 'sandbox',
  duration: 61,
  createdAt: 1718000000,
  plays: 12,
  views: 30,
  flavors,
  status: 2,
  moderationStatus: 6,
  ownerId: 'sandbox-owner',
  ...extra,
});

/** A title long enough to wrap anything, with accents, CJK, emoji and an RTL run. */
export const LONG_UNICODE_TITLE =
  'Ünïcødé réunion — 日本語のタイトル 🎬 «Ελληνικά» עברית ' + 'ça-va-très-bien-ありがとう-🙂 '.repeat(8).trim();

/** A READY English SRT caption asset, the entry's default. */
export const englishCaption = (id: string): FixtureCaption => ({
  id,
  language: 'English',
  languageCode: 'en',
  label: 'English',
  format: '1',
  isDefault: true,
  status: 2,
});

/** Caption assets of each kind Kaltura stores: SRT, WebVTT, DFXP, and one not ready yet. */
const DEMO_CAPTIONS: FixtureCaption[] = [
  englishCaption('1_capen001'),
  {
    id: '1_capes001',
    language: 'Spanish',
    languageCode: 'es',
    label: 'Español',
    format: '3',
    isDefault: false,
    status: 2,
  },
  {
    id: '1_capfr001',
    language: 'French',
    languageCode: 'fr',
    label: 'Français',
    format: '2',
    isDefault: false,
    status: 2,
  },
  {
    id: '1_capde001',
    language: 'German',
    languageCode: 'de',
    label: 'Deutsch',
    format: '1',
    isDefault: false,
    status: 0,
  },
];

/** The categories: a course with a sub-category, and others. Kaltura's root categories have parent 0. */
export const CATEGORIES: FixtureCategory[] = [
  { id: 101, partnerId: SANDBOX_PARTNER_ID, name: 'Sandbox', parentId: 0 },
  { id: 201, partnerId: SANDBOX_PARTNER_ID, name: 'Courses', parentId: 0 },
  { id: 202, partnerId: SANDBOX_PARTNER_ID, name: 'Biology 101', parentId: 201 },
  { id: 203, partnerId: SANDBOX_PARTNER_ID, name: 'Week 1', parentId: 202 },
  { id: 204, partnerId: SANDBOX_PARTNER_ID, name: 'Empty shelf', parentId: 201 },
  { id: 301, partnerId: OTHER_PARTNER_ID, name: 'Their category', parentId: 0 },
];

/**
 * The lectures of Biology 101 (category 202): 12 entries, 8 directly in it and 4 in its
 * sub-category Week 1 (203), each with an original of about 200 KB and a smaller rendition, an English SRT, and
 * every third a Spanish WebVTT; lecture 5 has a French DFXP, lecture 7 a caption not ready.
 */
export const COURSE_ENTRIES: FixtureEntry[] = Array.from({ length: 12 }, (_, i) => {
  const n = i + 1;
  const id = `4_bio${String(n).padStart(5, '0')}`;
  const captions: FixtureCaption[] = [englishCaption(`4_cen${String(n).padStart(5, '0')}`)];
  if (n % 3 === 0) {
    captions.push({
      id: `4_ces${String(n).padStart(5, '0')}`,
      language: 'Spanish',
      languageCode: 'es',
      label: 'Español',
      format: '3',
      isDefault: false,
      status: 2,
    });
  }
  if (n === 5) {
    captions.push({
      id: '4_cfr00005',
      language: 'French',
      languageCode: 'fr',
      label: 'Français',
      format: '2',
      isDefault: false,
      status: 2,
    });
  }
  if (n === 7) {
    captions.push({
      id: '4_cde00007',
      language: 'German',
      languageCode: 'de',
      label: 'Deutsch',
      format: '1',
      isDefault: false,
      status: 0,
    });
  }
  return entry(
    id,
    `Lecture ${n}: ${['Cells', 'Genes', 'Evolution', 'Ecology'][i % 4]}`,
    [
      source(`${id}s`, { size: 200 + n, bytes: (200 + n) * 1024 + 300 + n }),
      rendition(`${id}r`, 487041, { size: 20 + n, bytes: (20 + n) * 1024 + 100 + n }),
    ],
    { categoryIds: [n <= 8 ? 202 : 203], captions, tags: 'sandbox,biology', createdAt: 1718000000 + n * 3600 },
  );
});

export const ENTRIES: FixtureEntry[] = [
  entry(
    '1_demo0001',
    'Demo video',
    [
      source('1_demof001'),
      rendition('1_demof002', 487041),
      rendition('1_demof003', 487051, { size: 9000, bitrate: 1200, width: 960, height: 540 }),
    ],
    { captions: DEMO_CAPTIONS },
  ),
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
  entry('1_image001', 'Poster image', [], {
    mediaType: 2,
    tags: 'sandbox,image',
    duration: 0,
    data: { bytes: 123_457, ext: 'jpg', version: '100000' },
    width: 1920,
    height: 1080,
  }),
  entry(
    '1_doc00001',
    'Course syllabus',
    [source('1_docsrc01', { fileExt: 'pdf', size: 300, bitrate: 0, width: 0, height: 0, tags: 'source' })],
    { type: 10, documentType: 13, tags: 'sandbox,document', duration: 0 },
  ),
  entry('1_legacy01', 'Older upload', [source('1_legacysr', { size: 9000, bytes: 9_216_700, legacySize: true })]),
  entry('1_nothumb1', 'No thumbnail yet', [source('1_nothumf1')], { noThumbnail: true }),
  entry('1_private1', 'Restricted lecture', [source('1_privsrc1'), rendition('1_privf002', 487041)], {
    restricted: true,
  }),
  entry('1_remote01', 'Archived to remote storage', [source('1_remotsrc', { remoteOnly: true })]),
  entry('1_pending1', 'Still preconverting', [source('1_pendsrc1', { status: QUEUED })], { status: 1 }),
  entry('1_moderat1', 'Awaiting moderation', [source('1_modersrc')], { moderationStatus: 1 }),
  ...COURSE_ENTRIES,
];

/** The other partner's entries: none of them is visible to the first partner's sessions. */
export const OTHER_PARTNER_ENTRIES: FixtureEntry[] = [
  entry('2_theirs01', 'Their own video', [source('2_theirsf1', { size: 2048 })], { partnerId: OTHER_PARTNER_ID }),
  entry('2_theirs02', 'Their second video', [source('2_theirsf2', { size: 1024 })], { partnerId: OTHER_PARTNER_ID }),
];

/**
 * A flavor's real file length: `bytes`, else `size` KB + 700 bytes (whose `size` is still that
 * many KB: trunc(round(bytes / 1024, 2))); undefined when Kaltura does not know the size.
 */
export function fileLength(flavor: Pick<FixtureFlavor, 'size' | 'bytes'>): number | undefined {
  return flavor.bytes ?? (flavor.size ? flavor.size * 1024 + 700 : undefined);
}

/** The real length of the file of the flavor `flavorId` (of any fixture entry). */
export function flavorBytes(flavorId: string): number {
  for (const e of [...ENTRIES, ...OTHER_PARTNER_ENTRIES]) {
    const flavor = e.flavors.find((f) => f.id === flavorId);
    if (flavor) return fileLength(flavor)!;
  }
  throw new Error(`no fixture flavor ${flavorId}`);
}

/** Entries by id, of both partners. */
export const ENTRY_BY_ID = new Map([...ENTRIES, ...OTHER_PARTNER_ENTRIES].map((e) => [e.id, e]));

/** What media.list shows by default: READY entries not held back by moderation (pending 1, rejected 3). */
export function listedByDefault(entry: FixtureEntry): boolean {
  return entry.status === 2 && entry.moderationStatus !== 1 && entry.moderationStatus !== 3;
}

/** The first partner's entries that media.list shows without a status filter, in list order (media clips only). */
export const LISTED_ENTRIES = ENTRIES.filter((e) => e.type === 1 && listedByDefault(e));

/**
 * `count` entries of `flavorsEach` READY flavors each (ids `3_batchNNN`), for batches and the
 * benchmark; with `captioned`, each has one READY English SRT caption (ids `3_capNNN`).
 */
export function manyEntries(count: number, flavorsEach: number, captioned = false): FixtureEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `3_batch${String(i).padStart(3, '0')}`;
    const flavors = Array.from({ length: flavorsEach }, (_, j) => {
      const flavorId = `${id}f${String(j).padStart(2, '0')}`;
      const height = 180 * (j + 1);
      return j === 0
        ? source(flavorId, { size: 64, height: 1080, width: 1920 })
        : rendition(flavorId, 600000 + j, { size: 32 + j, height, width: Math.round((height * 16) / 9) });
    });
    const captions = captioned ? { captions: [englishCaption(`3_cap${String(i).padStart(3, '0')}`)] } : {};
    return entry(id, `Batch lecture ${i + 1}`, flavors, captions);
  });
}

/** One entry whose only flavor's file is `kb` KB (a big file for the benchmark, a huge one for the room check). */
export function sizedEntry(id: string, kb: number): FixtureEntry {
  return entry(id, `A file of ${kb} KB`, [source(`${id}s`, { size: kb })]);
}
