/**
 * What a tool is: its name and texts, its argument and answer schemas (where every argument rule
 * is stated, once), its annotations, and the function that answers it. The server lists and
 * calls tools only through this shape.
 */
import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ToolFailure } from '../failure.js';
import type { KalturaDoor } from '../kaltura/client-manager.js';
import type { Slots } from '../slots.js';
import { argumentsAsSent, nearMiss } from './host-arguments.js';
import { portableJsonSchema } from './portable-schema.js';

/** What a call gives its tool besides the door and the arguments. */
export interface CallContext {
  /** Aborts when the client cancels the call. */
  signal?: AbortSignal;
  /** Reports progress to a client that asked for it (with a progressToken, or a task); absent otherwise. */
  progress?: (done: number, total: number | undefined, message?: string) => void | Promise<void>;
  /** The server's slots for downloads: at most 4 files at once, shared by every save. */
  saveSlots: Pick<Slots, 'run'>;
  /** KALTURA_DOWNLOAD_DIR as configured, unchecked. */
  downloadDir?: string;
  /** KALTURA_PARTIAL_TTL_HOURS as configured, unchecked. */
  partialTtlHours?: string;
  /** KALTURA_REQUEST_TIMEOUT_MS: how long to wait for an answer, or for more of one. */
  requestTimeoutMs: number;
  /** Aborts when the server shuts down: long work (a save) stops and cleans up rather than being cut off. */
  stopping?: AbortSignal;
}

/** A tool: texts, schemas, annotations, and how it answers. */
interface ToolDefinition<Input extends z.ZodType, Output extends z.ZodType> {
  name: string;
  title: string;
  description: string;
  /** The arguments and every rule on them; a rule's message is the error text the tool answers with. */
  input: Input;
  output: Output;
  annotations: Omit<ToolAnnotations, 'title'>;
  /** The original's `operation` in error objects, e.g. `get download URL`. */
  operation: string;
  /** Fields the original adds to its error objects, e.g. `{ entry_id }`. */
  errorContext(args: z.output<Input>): Record<string, unknown>;
  /** Answers the call; a failure is thrown, as a ToolFailure or a KalturaError (tool-call.ts words it). */
  run(door: KalturaDoor, args: z.output<Input>, context: CallContext): Promise<z.output<Output>>;
  /** It works on the server's own machine (its disk): never offered to remote callers. */
  localOnly?: boolean;
  /**
   * The slots it holds while it works: the 32 of every call, the 4 of saves (one file each), or
   * those of library saves (a few at once, apart from the others: a long save_media_files, or 32
   * of them run as tasks, never keeps a quick call waiting; its files take save slots one by one).
   */
  slots?: 'calls' | 'saves' | 'libraries';
  /** It may run as an MCP task (a client that supports tasks may ask; others call it as usual). */
  taskSupport?: 'optional';
}

/** A tool with its types erased, as the server holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erased on purpose; defineTool checks each tool
export type AnyTool = ToolDefinition<z.ZodType<any>, z.ZodType<Record<string, unknown>>>;

/** Checks a tool's parts against each other, then erases its types. */
export function defineTool<Input extends z.ZodType, Output extends z.ZodType<Record<string, unknown>>>(
  tool: ToolDefinition<Input, Output>,
): AnyTool {
  return tool as unknown as AnyTool;
}

/** Reads, checks and never modifies Kaltura; the same question gets the same answer. */
export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const satisfies ToolAnnotations;

/** Listings made so far: a tool's never changes, and remote mode builds a server per request. */
const listings = new WeakMap<AnyTool, Tool>();

/** The tool as tools/list shows it, its schemas as JSON Schema. */
export function toolListing(tool: AnyTool): Tool {
  let listing = listings.get(tool);
  if (!listing) {
    listing = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: portableJsonSchema(tool.input, 'input') as Tool['inputSchema'],
      outputSchema: portableJsonSchema(tool.output, 'output') as Tool['outputSchema'],
      annotations: { title: tool.title, ...tool.annotations },
      ...(tool.taskSupport ? { execution: { taskSupport: tool.taskSupport } } : {}),
    };
    listings.set(tool, listing);
  }
  return listing;
}

/**
 * Zod issue codes of the rules a tool states on valid-typed values (bounds, patterns, refinements):
 * their messages are the tool's own error texts. Every other issue is a malformed call.
 */
const RULE_ISSUES = new Set(['too_big', 'too_small', 'invalid_format', 'custom']);

/** zod's own messages, which name no argument: `Too big: expected int to be <=9007199254740991`. */
const ZOD_DEFAULT = /^(Too (big|small)|Invalid (input|string|format)):/;

/** Each argument name of a family of tools (the server's), with the tools that take it; made once per family. */
const ownersOf = new WeakMap<readonly AnyTool[], ReadonlyMap<string, string[]>>();

function argumentOwners(family: readonly AnyTool[]): ReadonlyMap<string, string[]> {
  let owners = ownersOf.get(family);
  if (!owners) {
    const map = new Map<string, string[]>();
    for (const tool of family) {
      for (const name of Object.keys(toolListing(tool).inputSchema.properties ?? {})) {
        map.set(name, [...(map.get(name) ?? []), tool.name]);
      }
    }
    ownersOf.set(family, (owners = map));
  }
  return owners;
}

/**
 * The arguments as the host sent them (host-arguments.ts), checked against the tool's schema:
 * the parsed values and the names of arguments ignored as the host's own; throws the failure to
 * answer with (a broken rule's own text, or INVALID_ARGUMENTS listing what is wrong). `family`
 * is every tool the server offers: an argument of another of them (`flavor_id` sent to
 * get_download_urls) is refused with which tools take it, never dropped.
 */
export function parseArguments(
  tool: AnyTool,
  sent: unknown,
  family: readonly AnyTool[] = [tool],
): { args: Record<string, unknown>; ignored: string[] } {
  const owners = argumentOwners(family);
  const { args, ignored } = argumentsAsSent(sent ?? {}, toolListing(tool).inputSchema, [...owners.keys()]);
  const parsed = tool.input.safeParse(args);
  if (parsed.success) return { args: parsed.data as Record<string, unknown>, ignored };
  const issues = parsed.error.issues;
  // A rule's own text names the argument and its bounds; zod's default for the same rule (an
  // integer beyond 2^53 breaks `.int()` before the tool's own maximum) names neither.
  const isRule = (issue: z.core.$ZodIssue) => RULE_ISSUES.has(issue.code) && !ZOD_DEFAULT.test(issue.message);
  const rule = issues.find(isRule);
  const malformed = issues.filter((issue) => !RULE_ISSUES.has(issue.code));
  if (malformed.length === 0 && rule) {
    throw new ToolFailure('INVALID_ARGUMENTS', rule.message, { style: 'bare-indented' });
  }
  if (malformed.length === 0) malformed.push(...issues);
  const accepted = acceptedArguments(tool);
  const problems = malformed.map((issue) => describeIssue(issue, Object.keys(accepted), tool.name, owners));
  const list = Object.entries(accepted)
    .map(([name, required]) => (required ? `${name} (required)` : name))
    .join(', ');
  throw new ToolFailure(
    'INVALID_ARGUMENTS',
    `Input validation error: Invalid arguments for tool ${tool.name}: ${problems.join('; ')}. The accepted arguments are: ${list}.`,
    { style: 'bare-indented', details: { errorType: 'INVALID_ARGUMENTS' } },
  );
}

/** `unknown argument "x"`, with the argument meant when it is a near-miss, or the tools that take it. */
function unknownArgument(
  key: string,
  accepted: string[],
  toolName: string,
  owners: ReadonlyMap<string, string[]>,
): string {
  const near = nearMiss(key, accepted);
  if (near) return `unknown argument "${key}" (did you mean "${near}"?)`;
  const elsewhere = nearMiss(key, [...owners.keys()]);
  if (!elsewhere) return `unknown argument "${key}"`;
  const takers = owners.get(elsewhere)!;
  const meant = elsewhere === key ? '' : `did you mean "${elsewhere}"? `;
  return `unknown argument "${key}" (${meant}${takers.join(' and ')} ${takers.length > 1 ? 'take' : 'takes'} it, ${toolName} does not)`;
}

/** The tool's argument names, each with whether it is required (from its listing, made once). */
function acceptedArguments(tool: AnyTool): Record<string, boolean> {
  const schema = toolListing(tool).inputSchema;
  return Object.fromEntries(
    Object.keys(schema.properties ?? {}).map((name) => [name, schema.required?.includes(name) ?? false]),
  );
}

function describeIssue(
  issue: z.core.$ZodIssue,
  accepted: string[],
  toolName: string,
  owners: ReadonlyMap<string, string[]>,
): string {
  const where = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => unknownArgument(key, accepted, toolName, owners)).join('; ');
  }
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return `${where} is required`;
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  return where ? `${where}: ${message}` : message;
}
