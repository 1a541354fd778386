/**
 * The settings the server reads, one line each, for `kaltura-mcp --help`. A unit test
 * (settings-help.test.ts) finds every variable the code reads and fails when one is missing here.
 */
import { DEFAULT_PARTIAL_TTL_HOURS } from './downloads/partial.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './kaltura/config.js';

export const SETTINGS_HELP = `Settings: environment variables, or lines of a .env file (the one KALTURA_ENV_FILE names,
else the one in the server's package folder; never the working directory's). Every value is trimmed.
 Credential: an App Token, the admin secret, or a ready-made KS (the first one set wins, in that order)
  KALTURA_PARTNER_ID            your partner id (KMC > Settings > Integration Settings)
  KALTURA_APP_TOKEN_ID          an App Token's id, as "kaltura-mcp app-token create" prints it
  KALTURA_APP_TOKEN             that App Token's value (a secret)
  KALTURA_APP_TOKEN_HASH_TYPE   the token's hash type: SHA256 (default), SHA1, SHA512 or MD5
  KALTURA_ADMIN_SECRET          the partner's admin secret (not the user secret); it never leaves this machine
  KALTURA_KS                    a ready-made session key (KS), used as is and never renewed
 Kaltura
  KALTURA_SERVICE_URL           the API host, without /api_v3 (default https://www.kaltura.com)
  KALTURA_USER_ID               the user the sessions are for (default: none)
  KALTURA_SESSION_TYPE          ADMIN (default with the admin secret) or USER
  KALTURA_SESSION_PRIVILEGES    the sessions' privileges (default disableentitlement)
  KALTURA_SESSION_EXPIRY        a session's lifetime in seconds (default 86400)
  KALTURA_SESSION_MODE          local (default: keys signed here) or remote (session.start sends the secret)
  KALTURA_REQUEST_TIMEOUT_MS    how long to wait for Kaltura, in ms (default ${DEFAULT_REQUEST_TIMEOUT_MS})
 Saving files (save_media_file, save_media_files)
  KALTURA_DOWNLOAD_DIR          the folder files are saved into: an absolute path, or ~/…; unset, nothing is saved
  KALTURA_PARTIAL_TTL_HOURS     hours an interrupted save is kept to be resumed (default ${DEFAULT_PARTIAL_TTL_HOURS})
  HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY   the proxy for Kaltura and downloads (lower case too)
 The server
  KALTURA_ENV_FILE              the .env file to read
  KALTURA_DEBUG                 true: a log line for every Kaltura request
  KALTURA_MCP_SOURCE_URL        where remote users get this server's source (AGPL; default its npm page)
  KALTURA_MCP_BUNDLE            set by the MCP bundle (.mcpb): errors name its form's fields
  PORT, HOST, MCP_ALLOWED_HOSTS                   --port, --host and --allowed-hosts, for --http
  MCP_TLS_CERT, MCP_TLS_KEY                       --tls-cert and --tls-key: serve HTTPS with these PEM files
  MCP_BEHIND_TLS_PROXY                            --behind-tls-proxy: true when a proxy in front terminates TLS
  MCP_MAX_CALLS, MCP_MAX_WAITING_CALLS            calls at work and waiting, in both modes (32, 256)
  MCP_MAX_CALLS_PER_KS                            remote mode: calls of one KS at work (8)
  MCP_MAX_CALLS_PER_ADDRESS                       remote mode: requests in flight per caller address (16)
  MCP_MAX_CONNECTIONS                             remote mode: open connections (256)
  MCP_TRUST_PROXY                                 --trust-proxy: proxies in front whose X-Forwarded-For is believed (0)`;
