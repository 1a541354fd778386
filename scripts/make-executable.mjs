// Marks the built entry point executable so `npx kaltura-mcp` and the `bin` link run it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/index.js', import.meta.url), 0o755);
