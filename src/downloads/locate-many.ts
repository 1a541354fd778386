/**
 * Where many entries' files are, each chosen by the same rules as get_download_url's, with
 * their captions when asked for. A batch of up to 50 entries costs two Kaltura requests: the
 * listing (every entry, unless a listing already gave them, all their flavors and captions) in
 * one multirequest, then every chosen file's and caption's URL in another. The two steps are
 * apart so that a caller saving many batches can send one batch's URLs with the next batch's
 * listing (library.ts). One bad entry never fails the others.
 */
import { chooseCaptions, captionsByEntry, type CaptionRequest } from '../captions.js';
import { ToolFailure } from '../failure.js';
import { flavorsByEntry, selectFlavor, type FlavorRequest } from '../flavors.js';
import type { KalturaDoor, MultiResult } from '../kaltura/client-manager.js';
import type { KalturaRequest } from '../kaltura/connection.js';
import { KalturaDied, KalturaError } from '../kaltura/errors.js';
import { asCaptionPage, asCaptionUrl, captionListRequest, captionUrlRequest } from '../kaltura/library-requests.js';
import {
  asDownloadUrl,
  asFlavorPage,
  asMediaEntry,
  baseEntryGetRequest,
  completeFlavorList,
  completeList,
  flavorListRequest,
  flavorUrlRequest,
  unwrap,
} from '../kaltura/requests.js';
import type { CaptionAsset, FlavorAsset, MediaEntry } from '../kaltura/types.js';
import { flavorFile, noChoice, ownFile, servesOwnFile, type LocatedFile, type LocateOptions } from './entry-files.js';

/** How a batch chooses: the rendition criteria, the captions wanted (none when absent), the file's name in its URL. */
export interface BatchOptions extends LocateOptions {
  criteria: FlavorRequest;
  captions?: CaptionRequest;
  /** Kaltura's `options.fileName` for the flavors' URLs. */
  fileName?: string;
  /** List every caption of each entry even when none is wanted (for its metadata). */
  listCaptions?: boolean;
}

/** A caption located: the asset and its file's URL (a credential, like every download URL). */
export interface LocatedCaption {
  caption: CaptionAsset;
  url: string;
}

/** One entry located: its chosen file, the entry itself, all its flavors and captions, and the captions asked for. */
export interface LocatedEntry extends LocatedFile {
  entry: MediaEntry;
  flavors: FlavorAsset[];
  /** Every caption of the entry, ready or not (empty when captions were not listed). */
  allCaptions: CaptionAsset[];
  captions: LocatedCaption[];
  /**
   * Captions asked for that have no file to fetch (not ready yet), whose URL Kaltura refused, or
   * in a language the entry has no caption in (then only its code), and why.
   */
  captionsMissing: Array<{ caption?: CaptionAsset; languageCode?: string; reason: string }>;
}

/** One entry's outcome: where its files are, or why there are none (a failure of this entry alone). */
export type Located = ({ ok: true } & LocatedEntry) | { ok: false; failure: ToolFailure };

/** Entries to locate together: their ids, and the entries themselves when a listing gave them already. */
export interface Batch {
  ids: string[];
  entries?: ReadonlyMap<string, MediaEntry>;
}

/** HEAD requests at once for entries' own files (images, documents without flavors). */
const HEADS_AT_ONCE = 4;

/** A failure about one entry (Kaltura's, or a refusal), as that entry's failure; anything else is thrown on. */
function entryFailure(error: unknown): ToolFailure {
  if (error instanceof ToolFailure) return error;
  if (error instanceof KalturaError)
    return new ToolFailure(error.code, error.message, { fromKaltura: error.apiException });
  throw error;
}

/** The first step's requests: the entries (unless given), their flavors and, when asked, their captions. */
export function listingRequests(batch: Batch, options: BatchOptions): KalturaRequest[] {
  const entryIdIn = batch.ids.join(',');
  return [
    ...(batch.entries ? [] : batch.ids.map(baseEntryGetRequest)),
    flavorListRequest({ entryIdIn }),
    ...(listsCaptions(options) ? [captionListRequest(entryIdIn)] : []),
  ];
}

const listsCaptions = (options: BatchOptions) => options.captions !== undefined || options.listCaptions === true;

/** The second step: the URL requests the choices need, and how to finish once they are answered. */
export interface Choices {
  urlRequests: KalturaRequest[];
  finish(urlAnswers: MultiResult[]): Promise<Located[]>;
}

/** What was chosen for one entry, and where its URLs sit among the URL requests. */
interface Plan {
  at: number;
  entry: MediaEntry;
  flavors: FlavorAsset[];
  allCaptions: CaptionAsset[];
  flavor?: { flavor: FlavorAsset; slot: number };
  captions: Array<{ caption: CaptionAsset; slot: number }>;
  notReady: CaptionAsset[];
  /** Language codes asked for that the entry has no caption in. */
  absent: string[];
}

/**
 * Chooses each entry's file and captions from the listing's answers (fetching further pages of
 * flavors or captions when a batch has more than 500), and plans the URL requests.
 */
export async function choose(
  door: KalturaDoor,
  batch: Batch,
  answers: MultiResult[],
  options: BatchOptions,
): Promise<Choices> {
  const entryIdIn = batch.ids.join(',');
  const at = batch.entries ? 0 : batch.ids.length;
  const flavors = flavorsByEntry(await completeFlavorList(door, { entryIdIn }, asFlavorPage(unwrap(answers[at]))));
  const captions = listsCaptions(options)
    ? captionsByEntry(
        await completeList(door, asCaptionPage(unwrap(answers[at + 1])), (page) => ({
          request: captionListRequest(entryIdIn, page),
          check: asCaptionPage,
        })),
      )
    : new Map<string, CaptionAsset[]>();
  const results: Located[] = [];
  const plans: Plan[] = [];
  const urlRequests: KalturaRequest[] = [];
  batch.ids.forEach((entryId, index) => {
    try {
      const entry = batch.entries?.get(entryId) ?? asMediaEntry(unwrap(answers[index]));
      const listed = flavors.get(entryId) ?? [];
      const allCaptions = captions.get(entryId) ?? [];
      const plan: Plan = { at: index, entry, flavors: listed, allCaptions, captions: [], notReady: [], absent: [] };
      if (listed.length > 0 || !servesOwnFile(entry)) {
        const choice = selectFlavor(listed, options.criteria);
        if (choice.kind !== 'chosen') throw noChoice(entryId, choice, options.criteria);
        plan.flavor = {
          flavor: choice.flavor,
          slot: urlRequests.push(flavorUrlRequest(choice.flavor.id, options.fileName)) - 1,
        };
      }
      if (options.captions) {
        const { ready, notReady, absent } = chooseCaptions(allCaptions, options.captions);
        plan.captions = ready.map((caption) => ({
          caption,
          slot: urlRequests.push(captionUrlRequest(caption.id)) - 1,
        }));
        plan.notReady = notReady;
        plan.absent = absent;
      }
      plans.push(plan);
    } catch (error) {
      results[index] = { ok: false, failure: entryFailure(error) };
    }
  });
  return {
    urlRequests,
    finish: async (urlAnswers) => {
      const own: Plan[] = [];
      for (const plan of plans) {
        const entryId = batch.ids[plan.at]!;
        if (!plan.flavor) {
          own.push(plan);
          continue;
        }
        try {
          const url = asDownloadUrl(unwrap(urlAnswers[plan.flavor.slot]), plan.flavor.flavor.id);
          const file = flavorFile(entryId, plan.entry, plan.flavor.flavor, url);
          results[plan.at] = { ok: true, ...file, ...captionsOf(plan, urlAnswers) };
        } catch (error) {
          results[plan.at] = { ok: false, failure: entryFailure(error) };
        }
      }
      for (let i = 0; i < own.length; i += HEADS_AT_ONCE) {
        await Promise.all(
          own.slice(i, i + HEADS_AT_ONCE).map(async (plan) => {
            try {
              const file = await ownFile(plan.entry, options.criteria, options);
              results[plan.at] = { ok: true, ...file, ...captionsOf(plan, urlAnswers) };
            } catch (error) {
              results[plan.at] = { ok: false, failure: entryFailure(error) };
            }
          }),
        );
      }
      return results;
    },
  };
}

/** An entry's located captions, and those asked for that have no file. */
function captionsOf(
  plan: Plan,
  urlAnswers: MultiResult[],
): Pick<LocatedEntry, 'entry' | 'flavors' | 'allCaptions' | 'captions' | 'captionsMissing'> {
  const captions: LocatedCaption[] = [];
  const captionsMissing: LocatedEntry['captionsMissing'] = [
    ...plan.absent.map((languageCode) => ({ languageCode, reason: 'the entry has no caption in this language' })),
    ...plan.notReady.map((caption) => ({ caption, reason: 'not ready yet' })),
  ];
  for (const { caption, slot } of plan.captions) {
    try {
      captions.push({ caption, url: asCaptionUrl(unwrap(urlAnswers[slot])) });
    } catch (error) {
      captionsMissing.push({ caption, reason: entryFailure(error).message });
    }
  }
  return { entry: plan.entry, flavors: plan.flavors, allCaptions: plan.allCaptions, captions, captionsMissing };
}

/**
 * Sends URL requests in one multirequest. When one entry's own settings (its access control)
 * make Kaltura "die", which loses every slot, halves until that entry's requests are alone; a die
 * about the session or the partner would only repeat in every half, so it fails the call.
 */
export async function sendUrlRequests(door: KalturaDoor, requests: KalturaRequest[]): Promise<MultiResult[]> {
  if (requests.length === 0) return [];
  try {
    return await door.multi(requests);
  } catch (error) {
    if (!(error instanceof KalturaDied) || !error.aboutOneEntry) throw error;
    if (requests.length === 1) return [{ ok: false, error }];
    const half = Math.ceil(requests.length / 2);
    return [
      ...(await sendUrlRequests(door, requests.slice(0, half))),
      ...(await sendUrlRequests(door, requests.slice(half))),
    ];
  }
}

/**
 * Each of `entryIds` (distinct, valid ids, at most 50) located by `options`, in the order
 * given: two Kaltura requests. Throws only for a failure of the whole call (the session, the
 * network).
 */
export async function findDownloadUrls(
  door: KalturaDoor,
  entryIds: string[],
  options: BatchOptions,
): Promise<Located[]> {
  if (entryIds.length === 0) return [];
  const batch = { ids: entryIds };
  const choices = await choose(door, batch, await door.multi(listingRequests(batch, options)), options);
  return choices.finish(await sendUrlRequests(door, choices.urlRequests));
}
