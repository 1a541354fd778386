/**
 * Caption assets (an entry's subtitles): how the tools show them, which ones a request asks for,
 * and the extension each format's file has. Pure. Kaltura stores a caption's format as the
 * string its KalturaCaptionType enum holds ("1" SRT, "2" DFXP, "3" WEBVTT, "4" CAP, "5" SCC).
 */
import { z } from 'zod';
import { byEntry, CAPTION_READY, stringOrNull, type CaptionAsset } from './kaltura/types.js';

/** KalturaCaptionType's values, by the file extension Kaltura gives each. */
const FORMATS: Record<string, string> = { '1': 'srt', '2': 'dfxp', '3': 'vtt', '4': 'cap', '5': 'scc' };

/** KalturaCaptionAssetStatus names. */
const STATUS_NAMES: Record<number, string> = {
  [-1]: 'ERROR',
  0: 'QUEUED',
  2: 'READY',
  3: 'DELETED',
  7: 'IMPORTING',
  9: 'EXPORTING',
};

/** The caption's format as a file extension (`srt`, `vtt`, `dfxp`…): its type, else its file's extension. */
export function captionFormat(caption: CaptionAsset): string | null {
  return FORMATS[String(caption.format ?? '')] ?? stringOrNull(caption.fileExt);
}

/** One caption as the tools show it. */
export const captionSummarySchema = z.object({
  id: z.string().describe('The caption asset id'),
  language: z.string().nullable().describe('e.g. English'),
  languageCode: z.string().nullable().describe("e.g. 'en': what the captions argument takes"),
  label: z.string().nullable(),
  format: z.string().nullable().describe('srt, vtt or dfxp (as Kaltura stores it)'),
  isDefault: z.boolean(),
  status: z.string().describe('READY (downloadable), QUEUED, ERROR, …'),
});

/** The summary of one caption. */
export function captionSummary(caption: CaptionAsset): z.infer<typeof captionSummarySchema> {
  return {
    id: caption.id,
    language: stringOrNull(caption.language),
    languageCode: stringOrNull(caption.languageCode),
    label: stringOrNull(caption.label),
    format: captionFormat(caption),
    isDefault: caption.isDefault === true,
    status: caption.status === undefined ? 'UNKNOWN' : (STATUS_NAMES[caption.status] ?? String(caption.status)),
  };
}

/** A language code as captions are matched: lower case, `_` read as `-` (`en_US` is `en-us`; `ALL` is `all`). */
export function normalLanguageCode(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

/** Which captions a request asks for: language codes (`en`, `pt-br`), or every one. */
export type CaptionRequest = { all: true } | { all: false; languages: string[] };

/**
 * The captions a request takes, those it asked for that are not ready yet, and the languages
 * asked for that the entry has no caption in. A code matches a caption of that code; when none
 * has it, a code with a region (`en-us`) takes the captions of its language (`en`), and a bare
 * language (`pt`) those of its regions (`pt-br`): what a host means by either is plain.
 */
export function chooseCaptions(
  captions: readonly CaptionAsset[],
  request: CaptionRequest,
): { ready: CaptionAsset[]; notReady: CaptionAsset[]; absent: string[] } {
  const codeOf = (c: CaptionAsset) => normalLanguageCode(String(c.languageCode ?? ''));
  const language = (code: string) => code.split('-')[0]!;
  const absent: string[] = [];
  const chosen = new Set<CaptionAsset>();
  if (request.all) for (const c of captions) chosen.add(c);
  else {
    for (const code of request.languages) {
      let matched = captions.filter((c) => codeOf(c) === code);
      const script = scriptOf(code);
      if (matched.length === 0 && script) {
        // A script, named (zh-hant) or meant by the region (zh-tw), is never another's: only the
        // language's captions of that same script.
        matched = captions.filter((c) => language(codeOf(c)) === language(code) && scriptOf(codeOf(c)) === script);
      } else if (matched.length === 0) {
        // The bare language first (en for en-us), else any of its regions (en-gb, en-au).
        const bare = captions.filter((c) => codeOf(c) === language(code));
        matched = bare.length > 0 ? bare : captions.filter((c) => language(codeOf(c)) === language(code));
      }
      if (matched.length === 0) absent.push(code);
      for (const c of matched) chosen.add(c);
    }
  }
  const asked = captions.filter((c) => chosen.has(c));
  return {
    ready: asked.filter((c) => c.status === CAPTION_READY),
    notReady: asked.filter((c) => c.status !== CAPTION_READY),
    absent,
  };
}

/** Chinese regions and the script each writes in (BCP 47 leaves it implied by the region). */
const CHINESE_REGION_SCRIPTS: Record<string, string> = {
  tw: 'hant',
  hk: 'hant',
  mo: 'hant',
  cn: 'hans',
  sg: 'hans',
  my: 'hans',
};

/** The script a lower-case code names (`zh-hant`, `sr-latn`) or, for Chinese, its region implies (`zh-tw`); undefined for none. */
function scriptOf(code: string): string | undefined {
  const [lang, second] = code.split('-');
  if (second && /^[a-z]{4}$/.test(second)) return second;
  return lang === 'zh' && second ? CHINESE_REGION_SCRIPTS[second] : undefined;
}

/** Captions grouped by their entry, each group in list order. */
export const captionsByEntry = (captions: readonly CaptionAsset[]) => byEntry(captions);
