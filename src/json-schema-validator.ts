/**
 * The SDK validates elicitation answers with Ajv, which it builds (meta-schemas, formats) when
 * the server is constructed. This server never elicits, so build it on first use instead: the
 * same validator, off the start-up path.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';

/** Ajv-backed JSON Schema validation, constructed lazily. */
export class LazyAjvValidator implements jsonSchemaValidator {
  private inner?: AjvJsonSchemaValidator;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.inner ??= new AjvJsonSchemaValidator();
    return this.inner.getValidator<T>(schema);
  }
}
