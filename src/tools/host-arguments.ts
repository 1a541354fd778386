/**
 * Arguments as hosts send them, read the one way for every tool before its schema checks them.
 * Hosts and model providers reshape arguments in ways whose meaning is plain, and a server that
 * refuses them fails every call of those users, retry after retry:
 * - numbers as numeric strings (`"720"`, `" 20 "`) and booleans as `"true"`/`"false"`;
 * - `null` for every optional argument (OpenAI's strict mode), meaning "not given";
 * - `""` for an optional argument whose empty value means nothing else (an enum, `format`, a number),
 *   and a string of blanks alone as `""`;
 * - `[]` for an optional list that must hold something when given (strict mode's "none");
 * - bookkeeping arguments of their own (Cline adds `task_progress` to every call).
 * An unknown argument that is a near-miss of a real one (`flavorId`, `entryid`, `max_hieght`), or
 * a word models use for one (`query` for `search_text`, `height` for `max_height`), is still
 * refused (the schema says "did you mean"): dropping it would answer a different question than
 * the one asked. Any other is dropped, named in the call's log line and in a note beside the
 * answer (tool-call.ts). A value that is still wrong is left for the schema to refuse. Pure.
 */

/** What a listed input schema says of one argument (the part this reads). */
interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minItems?: number;
}

interface InputSchema {
  properties?: Record<string, object>;
  required?: string[];
}

/** The arguments reshaped, and the names of those dropped as unknown. */
export interface ArgumentsAsSent {
  args: unknown;
  ignored: string[];
}

const NUMBER = /^\s*-?\d+(?:\.\d+)?\s*$/;

/**
 * `args` as the tool's schema can read them (see the file's header); anything not an object is
 * left as is. `ours` names every argument of the server's tools: one of them (or a near-miss or
 * a common word for one) sent to a tool that does not take it is kept for the schema to refuse.
 */
export function argumentsAsSent(args: unknown, schema: InputSchema, ours: readonly string[] = []): ArgumentsAsSent {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return { args, ignored: [] };
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const required = new Set(schema.required ?? []);
  // Made with defineProperty-like semantics (fromEntries): a `__proto__` key JSON.parse kept as an
  // own property stays one, never the object's prototype (which would smuggle in arguments).
  const out: Array<[string, unknown]> = [];
  const ignored: string[] = [];
  for (const [name, sent] of Object.entries(args)) {
    // Blanks alone say nothing: "   " is read as "" (a search for spaces finds nothing, all the same).
    const value = typeof sent === 'string' && sent.trim() === '' ? '' : sent;
    const property = Object.hasOwn(properties, name) ? (properties[name] as PropertySchema) : undefined;
    if (!property) {
      // A near-miss stays, for the schema to refuse with "did you mean"; anything else is the host's own.
      if (nearMiss(name, names) ?? nearMiss(name, ours)) out.push([name, value]);
      else ignored.push(name);
      continue;
    }
    const optional = !required.has(name);
    const types = [property.type ?? []].flat();
    if (optional && value === null) continue;
    if (optional && value === '' && meansNothingEmpty(property, types)) continue;
    if (optional && Array.isArray(value) && value.length === 0 && (property.minItems ?? 0) > 0) continue;
    if (typeof value === 'string' && (types.includes('integer') || types.includes('number')) && NUMBER.test(value)) {
      out.push([name, Number(value.trim())]);
    } else if (typeof value === 'string' && types.includes('boolean') && /^\s*(true|false)\s*$/i.test(value)) {
      out.push([name, value.trim().toLowerCase() === 'true']);
    } else {
      out.push([name, value]);
    }
  }
  return { args: Object.fromEntries(out), ignored };
}

/** Whether an empty string can only mean "not given": not a string argument, an enum, or a pattern `""` fails. */
function meansNothingEmpty(property: PropertySchema, types: string[]): boolean {
  if (!types.includes('string')) return true;
  if (property.enum) return !property.enum.includes('');
  return property.pattern !== undefined && !new RegExp(property.pattern, 'u').test('');
}

/**
 * Words models and hosts use for our arguments (lower case, letters and digits only). Found in
 * trials with real hosts: a dropped `query` listed every entry, a dropped `height` saved the
 * original. A word that is itself an argument of the tool is that argument, never an alias.
 */
const SAME_MEANING: Record<string, readonly string[]> = {
  entry_id: ['id', 'entry', 'mediaid', 'media', 'video', 'videoid', 'mediaentryid'],
  entry_ids: ['ids', 'entries', 'mediaids', 'videoids'],
  flavor_id: [
    'flavor',
    'rendition',
    'renditionid',
    'asset',
    'assetid',
    'flavorparamsid',
    'flavorparams',
    'flavorassetid',
  ],
  quality: ['bitrate', 'maxbitrate', 'minbitrate', 'audioonly', 'preset'],
  max_height: ['height', 'resolution', 'maxresolution', 'res', 'maxres', 'maxwidth', 'width'],
  format: ['container', 'extension', 'ext', 'fileformat', 'filetype'],
  file_name: ['name', 'filename', 'output', 'outputname', 'outfile', 'filepath', 'savepath', 'outputpath', 'savename'],
  captions: [
    'subtitles',
    'subtitle',
    'subs',
    'languages',
    'language',
    'lang',
    'langs',
    'captionlanguages',
    'captionformat',
    'includecaptions',
    'withcaptions',
  ],
  search_text: [
    'query',
    'q',
    'search',
    'searchquery',
    'keywords',
    'keyword',
    'text',
    'freetext',
    'term',
    'terms',
    'name',
    'title',
    'tags',
    'tag',
    'filter',
    'description',
  ],
  media_type: ['type', 'kind', 'mediakind'],
  category_id: ['category', 'categoryname', 'cat', 'categories', 'categoryids', 'categorypath', 'categoryfullname'],
  limit: [
    'pagesize',
    'count',
    'max',
    'maxresults',
    'perpage',
    'top',
    'size',
    'n',
    'maxentries',
    'maxitems',
    'num',
    'number',
  ],
  offset: ['skip', 'start', 'from', 'page', 'pageindex', 'pagenumber', 'pageno'],
  subfolder: [
    'folder',
    'dir',
    'directory',
    'path',
    'destination',
    'dest',
    'outputdir',
    'outdir',
    'outputfolder',
    'downloaddir',
    'downloadfolder',
    'targetfolder',
    'targetdir',
    'foldername',
    'savedir',
    'savefolder',
  ],
  metadata: ['infojson', 'info', 'writeinfojson', 'includemetadata', 'json'],
  thumbnail: ['thumb', 'poster', 'writethumbnail', 'thumbnails', 'includethumbnail'],
  second: ['time', 'timestamp', 'at', 'vidsec', 'position', 'sec', 't'],
  width: ['w', 'size', 'dimensions'],
  height: ['h'],
};

/** The accepted name `name` is a likely misspelling of, or a common word for, if any. */
export function nearMiss(name: string, accepted: readonly string[]): string | undefined {
  const word = normal(name);
  return (
    accepted.find((candidate) => similar(candidate, name)) ??
    accepted.find((candidate) => SAME_MEANING[candidate]?.includes(word))
  );
}

function normal(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Two names that differ only in case, separators, or a letter or two: a likely misspelling. */
function similar(a: string, b: string): boolean {
  const x = normal(a);
  const y = normal(b);
  return x === y || (Math.abs(x.length - y.length) <= 2 && editDistance(x, y) <= 2);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
