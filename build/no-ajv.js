// Build-time stand-in for the MCP SDK's Ajv provider. The SDK uses Ajv only to check a client's
// answers to elicitation, which this server never asks for, and src/server.ts hands the SDK its
// own validator, so this class is never constructed. Leaving Ajv out spares every start the
// compiling of its ~130 KB.
export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('this build carries no Ajv: give the SDK a jsonSchemaValidator');
  }
}
