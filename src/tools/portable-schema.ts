/**
 * Tool schemas every host can read. A host validates them with whatever JSON Schema draft its
 * validator knows (early MCP 2.0 clients know 2020-12 only, others draft-07), and some model
 * providers compile every `pattern` with RE2 (no lookaround, no backreferences, no `\u`
 * escapes). So a listed schema names no draft (`$schema`), uses only keywords that mean the
 * same in draft-07 and 2020-12, and only patterns RE2 compiles; rules a pattern cannot say are
 * checked by the server itself (tools/arguments.ts), with the same texts. Pure.
 */
import { z } from 'zod';

/** The keywords a listed schema may use: the same meaning in draft-07 and 2020-12. */
export const PORTABLE_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'description',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'default',
  'additionalProperties',
  'title',
  'const',
  'anyOf',
  'oneOf',
]);

/** `schema` as portable JSON Schema; throws when zod would list a keyword outside {@link PORTABLE_KEYWORDS}. */
export function portableJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io }) as Record<string, unknown>;
  return portable(rest, '') as Record<string, unknown>;
}

/**
 * Walks a schema: drops zod's safe-integer bounds (they say nothing to a client but "the limits
 * are somewhere else") and refuses any keyword that is not portable.
 */
function portable(node: unknown, where: string): unknown {
  if (Array.isArray(node)) return node.map((item, i) => portable(item, `${where}/${i}`));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (!PORTABLE_KEYWORDS.has(key))
      throw new Error(`the schema at ${where || '/'} uses "${key}", which not every host reads`);
    if (key === 'properties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, sub]) => [
          name,
          portable(sub, `${where}/${name}`),
        ]),
      );
    } else {
      out[key] = typeof value === 'object' ? portable(value, `${where}/${key}`) : value;
    }
  }
  return out;
}
