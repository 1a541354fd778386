/**
 * The benchmark's start-up baseline: an MCP SDK server that does nothing, bundled exactly as
 * the real one (build/options.ts). The real server's cold start is read against it, to tell
 * what this project's code costs from what any SDK server costs.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new Server(
  { name: 'minimal', version: '0.0.0' },
  {
    capabilities: { tools: {} },
    jsonSchemaValidator: {
      getValidator() {
        throw new Error('the minimal server validates nothing');
      },
    },
  },
);
await server.connect(new StdioServerTransport());
