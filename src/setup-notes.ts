/**
 * What the server tells the person setting it up, at start-up, beyond a setting's own error:
 * that it is an MCP server when started by hand in a terminal, and what to do when its HTTP port
 * cannot be had. Pure: each returns a log line's message.
 */

/**
 * For whoever starts the server by hand (stdin is a terminal): it is waiting for an MCP client,
 * not for typing, and how to try it. `entry` is the script Node runs (`dist/index.js`).
 */
export function terminalNote(entry: string): string {
  return `kaltura-mcp is an MCP server: it waits for an MCP client (Claude Desktop, Claude Code, Cursor…) to speak JSON-RPC on its stdin, and prints nothing else. To try it by hand: npx @modelcontextprotocol/inspector -e NAME=value… node ${entry} (a browser UI that calls its tools, each setting given with -e), or npm run demo in its repository (no account needed); kaltura-mcp --help lists its options and settings. Ctrl+C quits.`;
}

/** Why `--http` could not listen on `host:port`, and the fix; undefined for an error it cannot explain. */
export function listenProblem(code: string | undefined, host: string, port: number): string | undefined {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (another kaltura-mcp, or another program): choose another port with --port N (or PORT=N), e.g. --port ${port === 65535 ? 8081 : port + 1}, or stop the program holding it`;
    case 'EACCES':
      return `this user may not listen on port ${port} on ${host} (ports below 1024 need privileges): choose a port from 1024 up with --port N (or PORT=N), e.g. --port 8080`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine: fix --host (or HOST), e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface, with --allowed-hosts)`;
    default:
      return undefined;
  }
}
