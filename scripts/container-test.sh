#!/usr/bin/env bash
# `npm run test:container`: builds the real Dockerfile and runs the image for real, then runs
# deploy/compose.yaml (two replicas behind nginx) for real. Needs root and Debian's apt.
#
# 1. Installs what it needs from Debian (docker.io, debootstrap, docker-compose, openssl).
# 2. Starts its OWN dockerd on a private socket (data in $KMCP_CONTAINER_CACHE, default
#    .cache/container-test, so images survive between runs), and stops it by PID at the end.
# 3. Makes node:20-bookworm-slim locally when it is missing (Docker Hub is out of reach here):
#    debootstrap --variant=minbase bookworm, the host's `node` (20), npm from the npm registry,
#    a `node` user with uid 1000 as the real image has; `docker import`. Also debian:bookworm-slim
#    from the same root file system, for the nginx image.
# 4. Builds the Dockerfile as it is. Where outbound TLS is intercepted, the host's CA bundle goes
#    to the build stage only, as a BuildKit secret (NODE_EXTRA_CA_CERTS, or the system bundle).
# 5. Runs the image (host network) against the sandbox Kaltura and checks: /healthz; initialize,
#    tools/list and tools/call with a sandbox KS (scripts/remote-smoke.ts); the process runs as
#    uid 1000; the HEALTHCHECK reaches healthy; no CA bundle addition and no build tool (npm,
#    npx, corepack, yarn, tsc, tsx, esbuild, node_modules) in the image; SIGTERM exits 0 within
#    the 10 s grace. Reports the image size, time to healthy and time to exit.
# 6. Runs deploy/compose.yaml with docker-compose (Debian's, v1) and a local nginx image from
#    Debian's package: 200 calls from 20 clients through nginx (HTTPS, a test CA made here),
#    both replicas serving (their logs); then 200 more while one replica is stopped (SIGTERM)
#    mid-run, and 200 more while it is killed (SIGKILL): none may be lost. Reports each
#    replica's RSS and CPU time.
#
# Everything it starts (dockerd, the sandbox, containers, networks) is stopped by PID or by
# name on exit, failure included. Re-runnable. KMCP_KEEP_IMAGES=0 removes the built images.
# Exit 0: passed; 1: a check failed; 77: this machine cannot run it (not root, no apt-get, a
# package or the base system could not be fetched, dockerd would not start), saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

say() { printf '[container-test] %s\n' "$*"; }
fail() {
  printf '[container-test] FAIL: %s\n' "$*" >&2
  exit 1
}
cannot() {
  printf '[container-test] SKIPPED: this machine cannot run it: %s\n' "$*" >&2
  exit 77
}

[ "$(id -u)" = 0 ] || cannot "it needs root (it installs Debian packages and starts its own dockerd)"
command -v apt-get >/dev/null || cannot "it needs Debian's apt-get"

CACHE="${KMCP_CONTAINER_CACHE:-$ROOT/.cache/container-test}"
RUN="$(mktemp -d /tmp/kmcp-ct.XXXXXX)"
SOCK="$RUN/docker.sock"
IMAGE=kaltura-mcp:container-test
NGINX_IMAGE=kaltura-mcp-test/nginx:bookworm
PROJECT=kmcpct
NETWORK=kmcpct-net
mkdir -p "$CACHE"

DOCKERD_PID=""
SANDBOX_PID=""
LOAD_PID=""
CONTAINER=""
COMPOSE_UP=""

docker() { /usr/bin/docker -H "unix://$SOCK" "$@"; }
compose() {
  DOCKER_HOST="unix://$SOCK" docker-compose -p "$PROJECT" -f deploy/compose.yaml -f "$RUN/compose.test.yaml" "$@"
}

stop_pid() { # stop_pid PID NAME [seconds]: SIGTERM, then SIGKILL after the wait
  local pid="$1" name="$2" wait="${3:-20}"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((wait * 10))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "$name ($pid) did not stop in ${wait}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  [ -n "$LOAD_PID" ] && stop_pid "$LOAD_PID" "load run" 5
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    [ -n "$COMPOSE_UP" ] && compose down --remove-orphans -t 15 >/dev/null 2>&1
    [ -n "$CONTAINER" ] && docker rm -f "$CONTAINER" >/dev/null 2>&1
    docker network rm "$NETWORK" >/dev/null 2>&1
    if [ "${KMCP_KEEP_IMAGES:-1}" = 0 ]; then docker rmi -f "$IMAGE" "$NGINX_IMAGE" >/dev/null 2>&1; fi
  fi
  stop_pid "$SANDBOX_PID" "sandbox" 5
  stop_pid "$DOCKERD_PID" "dockerd" 30
  rm -f "$CACHE/dockerd.pid"
  # dockerd leaves its namespace mounts under its exec root: unmount ours before removing it.
  grep -o " $RUN/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null
  rm -rf "$RUN"
  case "$status" in
    0) say "passed" ;;
    77) say "skipped" ;;
    *) say "failed (exit $status)" ;;
  esac
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. what it needs ---------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null && [ -x /usr/bin/docker ] || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  apt-get update -qq || cannot "apt-get update failed (Debian's archive out of reach?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    cannot "apt-get could not install ${missing[*]}"
fi
[ -f dist/index.js ] || npm run build >/dev/null

# --- 2. our own dockerd --------------------------------------------------------------------
# A dockerd left by an interrupted run of this script still holds the data root: stop it.
if [ -f "$CACHE/dockerd.pid" ]; then
  old="$(cat "$CACHE/dockerd.pid")"
  if [ -n "$old" ] && [ "$(cat "/proc/$old/comm" 2>/dev/null)" = dockerd ]; then
    say "stopping the dockerd of an earlier run ($old)"
    stop_pid "$old" "earlier dockerd" 30
  fi
fi
say "starting dockerd on $SOCK (data root $CACHE/docker)"
dockerd --host "unix://$SOCK" --data-root "$CACHE/docker" --exec-root "$RUN/exec" \
  --pidfile "$RUN/dockerd.pid" --bridge none >"$RUN/dockerd.log" 2>&1 &
DOCKERD_PID=$!
echo "$DOCKERD_PID" >"$CACHE/dockerd.pid"
for _ in $(seq 1 300); do
  docker version >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -20 "$RUN/dockerd.log" >&2; cannot "dockerd exited at start-up"; }
  sleep 0.1
done
docker version >/dev/null 2>&1 || { tail -20 "$RUN/dockerd.log" >&2; cannot "dockerd did not answer in 30 s"; }

# --- 3. local base images ------------------------------------------------------------------
NODE_VERSION="$(node --version)"
case "$NODE_VERSION" in v20.*) ;; *) fail "the base image needs the host's Node 20, not $NODE_VERSION" ;; esac
if ! docker image inspect node:20-bookworm-slim >/dev/null 2>&1 || ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  say "making node:20-bookworm-slim and debian:bookworm-slim locally (debootstrap, Node $NODE_VERSION, npm $(npm --version))"
  rootfs="$RUN/rootfs"
  mirror="${KMCP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$RUN/debootstrap.log" 2>&1 ||
    { tail -20 "$RUN/debootstrap.log" >&2; cannot "debootstrap could not make bookworm from $mirror"; }
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  # Node as the official image lays it out: /usr/local/bin/node, npm under /usr/local/lib.
  install -m 0755 "$(readlink -f "$(command -v node)")" "$rootfs/usr/local/bin/node"
  (cd "$RUN" && npm pack --silent "npm@$(npm --version)" >/dev/null) || cannot "npm pack npm@$(npm --version) failed"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$RUN"/npm-*.tgz
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  tar -C "$rootfs" -c . | docker import \
    --change "ENV NODE_VERSION=${NODE_VERSION#v}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - node:20-bookworm-slim >/dev/null
  rm -rf "$rootfs"
fi

# --- 4. the image ----------------------------------------------------------------------------
CA_BUNDLE="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
secret=()
[ -s "$CA_BUNDLE" ] && secret=(--secret "id=build_ca,src=$CA_BUNDLE")
say "building the Dockerfile as $IMAGE"
started=$(date +%s)
DOCKER_BUILDKIT=1 docker build --network host "${secret[@]}" -t "$IMAGE" . >"$RUN/build.log" 2>&1 ||
  { tail -40 "$RUN/build.log" >&2; fail "docker build failed"; }
say "built in $(($(date +%s) - started)) s"
image_bytes=$(docker image inspect -f '{{.Size}}' "$IMAGE")
base_bytes=$(docker image inspect -f '{{.Size}}' node:20-bookworm-slim)
say "image size: $((image_bytes / 1000000)) MB (the local base: $((base_bytes / 1000000)) MB)"
label=$(docker image inspect -f '{{index .Config.Labels "io.modelcontextprotocol.server.name"}}' "$IMAGE")
mcp_name=$(node -p 'require("./package.json").mcpName')
[ "$label" = "$mcp_name" ] || fail "the image's io.modelcontextprotocol.server.name is \"$label\", package.json's mcpName \"$mcp_name\""

# --- 5. no CA bundle addition, no build tool --------------------------------------------------
docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | grep -q NODE_EXTRA_CA_CERTS &&
  fail "the image's environment names NODE_EXTRA_CA_CERTS"
docker history --no-trunc "$IMAGE" | grep -q 'BEGIN CERTIFICATE' && fail "a layer's command holds a certificate"
fs="$RUN/image-fs"
mkdir -p "$fs"
probe=$(docker create "$IMAGE")
docker export "$probe" | tar -C "$fs" -x
docker rm "$probe" >/dev/null
# The certificates the host's bundle adds to Node's own roots (an intercepting proxy's CA): the
# body of each must appear in no file of the image.
node -e '
  const fs = require("fs"), tls = require("tls");
  const known = new Set(tls.rootCertificates.map((p) => p.replace(/\s+/g, "")));
  const added = (fs.readFileSync(process.argv[1], "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [])
    .filter((p) => !known.has(p.replace(/\s+/g, "")));
  for (const pem of added) console.log(pem.split("\n").filter((l) => l && !l.startsWith("-----"))[1] ?? "");
' "$CA_BUNDLE" >"$RUN/added-ca-lines"
say "the host's CA bundle adds $(grep -c . "$RUN/added-ca-lines" || true) certificate(s) to Node's roots"
if [ -s "$RUN/added-ca-lines" ] && grep -rlF -f "$RUN/added-ca-lines" "$fs" >"$RUN/ca-hits" 2>/dev/null; then
  fail "the host's CA certificates are in the image: $(head -3 "$RUN/ca-hits" | tr '\n' ' ')"
fi
[ -e "$fs/run/secrets/build_ca" ] && fail "the build secret is in the image"
for tool in npm npx corepack yarn yarnpkg tsc tsx esbuild; do
  for dir in usr/local/bin usr/bin bin app/node_modules/.bin; do
    [ -e "$fs/$dir/$tool" ] && fail "a build tool is in the image: /$dir/$tool"
  done
done
found=$(cd "$fs" && find . -path ./proc -prune -o \( -name node_modules -o -name 'esbuild*' -o -name typescript \) -print | head -5)
[ -z "$found" ] || fail "build tooling is in the image: $found"
rm -rf "$fs"
say "no CA bundle addition, no build tool, no node_modules in the image"

# --- 6. the sandbox Kaltura --------------------------------------------------------------------
start_sandbox() { # start_sandbox ADDRESS: sets SANDBOX_URL
  node --import tsx test/sandbox/main.ts 0 "$1" >"$RUN/sandbox.log" 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 1 100); do
    SANDBOX_URL=$(sed -n 's/^  KALTURA_SERVICE_URL=//p' "$RUN/sandbox.log")
    [ -n "$SANDBOX_URL" ] && return 0
    sleep 0.1
  done
  cat "$RUN/sandbox.log" >&2
  fail "the sandbox did not start"
}
start_sandbox 127.0.0.1
say "sandbox Kaltura at $SANDBOX_URL"

# --- 7. the image, run --------------------------------------------------------------------------
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
CONTAINER=kmcpct-single
docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
# Told nothing of TLS, the image refuses to start in clear text on 0.0.0.0, and says what to set.
refused_code=0
docker run --rm --network host -e PORT="$PORT" -e KALTURA_SERVICE_URL="$SANDBOX_URL" \
  -e MCP_ALLOWED_HOSTS=127.0.0.1,localhost "$IMAGE" >"$RUN/refused.log" 2>&1 || refused_code=$?
[ "$refused_code" != 0 ] && grep -q 'MCP_BEHIND_TLS_PROXY=true' "$RUN/refused.log" ||
  { cat "$RUN/refused.log" >&2; fail "the image started in clear text without being told a proxy terminates TLS"; }
say "told nothing of TLS, the image refuses to start (exit $refused_code), naming MCP_BEHIND_TLS_PROXY and MCP_TLS_CERT"
t0=$(date +%s%N)
docker run -d --name "$CONTAINER" --network host -e PORT="$PORT" -e KALTURA_SERVICE_URL="$SANDBOX_URL" \
  -e MCP_ALLOWED_HOSTS=127.0.0.1,localhost -e MCP_BEHIND_TLS_PROXY=true "$IMAGE" >/dev/null
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >"$RUN/healthz" 2>/dev/null && break
  sleep 0.1
done
listening_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$(cat "$RUN/healthz" 2>/dev/null)" = '{"status":"ok"}' ] ||
  { docker logs "$CONTAINER" >&2; fail "/healthz did not answer {\"status\":\"ok\"}"; }
say "/healthz answered {\"status\":\"ok\"} ${listening_ms} ms after docker run"
node --import tsx scripts/remote-smoke.ts "http://127.0.0.1:$PORT/mcp" >"$RUN/smoke.json" ||
  { cat "$RUN/smoke.json" >&2; docker logs "$CONTAINER" >&2; fail "initialize, tools/list, tools/call failed"; }
say "MCP initialize + tools/list + tools/call with a sandbox KS: $(cat "$RUN/smoke.json")"
uid=$(docker exec "$CONTAINER" sh -c 'awk "/^Uid:/ {print \$2}" /proc/1/status')
[ "$uid" = 1000 ] || fail "the server runs as uid $uid, not 1000 (node)"
say "the server process runs as uid $uid ($(docker image inspect -f '{{.Config.User}}' "$IMAGE"))"
if docker logs "$CONTAINER" 2>&1 | grep -q 'djJ8'; then fail "a KS (v2) appears in the container's log"; fi
while :; do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$CONTAINER")
  [ "$health" = healthy ] && break
  [ "$health" = unhealthy ] && fail "the HEALTHCHECK says unhealthy"
  [ $((($(date +%s%N) - t0) / 1000000000)) -gt 90 ] && fail "not healthy after 90 s ($health)"
  sleep 0.2
done
healthy_ms=$((($(date +%s%N) - t0) / 1000000))
say "HEALTHCHECK healthy ${healthy_ms} ms after docker run (its first check runs one interval after start)"
t1=$(date +%s%N)
docker stop -t 30 "$CONTAINER" >/dev/null
stop_ms=$((($(date +%s%N) - t1) / 1000000))
code=$(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER")
[ "$code" = 0 ] || fail "SIGTERM: the server exited $code, not 0"
[ "$stop_ms" -lt 10000 ] || fail "SIGTERM: the server took ${stop_ms} ms, beyond its 10 s grace"
docker logs "$CONTAINER" 2>&1 | grep -q '"shutting down"' || fail "SIGTERM: no 'shutting down' log line"
say "SIGTERM: exit 0 in ${stop_ms} ms"
docker rm "$CONTAINER" >/dev/null
CONTAINER=""
stop_pid "$SANDBOX_PID" sandbox 5
SANDBOX_PID=""

# --- 8. compose: two replicas behind nginx --------------------------------------------------------
if ! docker image inspect "$NGINX_IMAGE" >/dev/null 2>&1; then
  say "building $NGINX_IMAGE from Debian's nginx package"
  DOCKER_BUILDKIT=1 docker build --network host -t "$NGINX_IMAGE" -f scripts/container/nginx.Dockerfile scripts/container \
    >"$RUN/nginx-build.log" 2>&1 || { tail -20 "$RUN/nginx-build.log" >&2; fail "the nginx image did not build"; }
fi
docker network rm "$NETWORK" >/dev/null 2>&1 || true
docker network create "$NETWORK" >/dev/null
gateway=$(docker network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$NETWORK")
# Each Kaltura answer takes 50 ms, as over a network: calls are in flight when a replica dies.
SANDBOX_LATENCY_MS=50 start_sandbox "$gateway"
say "sandbox Kaltura at $SANDBOX_URL (50 ms per answer), on the compose network's gateway only"
# A test CA and a certificate for localhost and 127.0.0.1, for nginx; clients trust the CA.
tls="$RUN/tls"
mkdir -p "$tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=kaltura-mcp test CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
  -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout "$tls/tls.key" -out "$tls/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$tls/ext"
openssl x509 -req -in "$tls/tls.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 1 \
  -extfile "$tls/ext" -out "$tls/tls.crt" 2>/dev/null
chmod 0644 "$tls/tls.key"
cat >"$RUN/compose.test.yaml" <<EOF
# Only what this test changes: the network the sandbox listens on, and the per-address cap (its
# 20 clients all come from this one machine; a real deployment's callers come from many).
services:
  mcp:
    environment:
      MCP_MAX_CALLS_PER_ADDRESS: '1000'
networks:
  default:
    external: true
    name: $NETWORK
EOF
LB_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export KALTURA_MCP_IMAGE="$IMAGE" NGINX_IMAGE KALTURA_SERVICE_URL="$SANDBOX_URL" MCP_ALLOWED_HOSTS=127.0.0.1,localhost \
  MCP_PUBLISH="127.0.0.1:$LB_PORT" MCP_TLS_DIR="$tls"
COMPOSE_UP=1
t0=$(date +%s%N)
compose up -d --no-build >"$RUN/compose-up.log" 2>&1 || { cat "$RUN/compose-up.log" >&2; fail "docker-compose up failed"; }
replicas=$(compose ps -q mcp)
[ "$(echo "$replicas" | grep -c .)" = 2 ] || fail "compose started $(echo "$replicas" | grep -c .) mcp replicas, not 2"
for _ in $(seq 1 300); do
  curl -fsS --cacert "$tls/ca.pem" "https://localhost:$LB_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
say "compose: 2 replicas and nginx up, /healthz through nginx after $((($(date +%s%N) - t0) / 1000000)) ms"
export NODE_EXTRA_CA_CERTS="$tls/ca.pem"
tool_calls() { docker logs "$1" 2>&1 | grep -c '"rpc":"tools/call"' || true; }
node --import tsx scripts/remote-load.ts "https://localhost:$LB_PORT/mcp" 20 10 >"$RUN/load1.json" ||
  { cat "$RUN/load1.json" >&2; fail "200 calls through nginx: not all correct"; }
say "200 calls from 20 clients through nginx: $(cat "$RUN/load1.json")"
per_replica=""
for id in $replicas; do
  n=$(tool_calls "$id")
  [ "$n" -gt 0 ] || fail "replica ${id:0:12} served no tools/call: the load was not spread"
  per_replica="$per_replica ${id:0:12}=$n"
done
say "tools/call served per replica (from their logs):$per_replica"
for id in $replicas; do
  pid=$(docker inspect -f '{{.State.Pid}}' "$id")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat")
  say "replica ${id:0:12}: RSS $(awk '/^VmRSS:/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status") (peak $(awk '/^VmHWM:/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status")), CPU ${cpu} s since it started"
done

# One replica stopped (SIGTERM, as an orchestrator does) while 200 more calls are under way.
victim=$(echo "$replicas" | head -1)
node --import tsx scripts/remote-load.ts "https://localhost:$LB_PORT/mcp" 20 10 >"$RUN/load2.json" &
LOAD_PID=$!
sleep 0.4
docker stop -t 15 "$victim" >/dev/null
say "stopped replica ${victim:0:12} mid-run (exit $(docker inspect -f '{{.State.ExitCode}}' "$victim"))"
load_status=0
wait "$LOAD_PID" || load_status=$?
LOAD_PID=""
[ "$load_status" = 0 ] || { cat "$RUN/load2.json" >&2; fail "calls were lost when a replica stopped"; }
say "200 calls with one replica stopped mid-run: $(cat "$RUN/load2.json")"
retried() { docker logs "$(compose ps -q nginx)" 2>&1 | grep -c 'upstream_status=[0-9]*, ' || true; }
say "requests nginx passed to a second replica so far: $(retried)"

# The same replica back, then killed (SIGKILL, a crash) with calls in flight: nginx retries
# those on the other replica, POST included, because every call here is read-only.
docker start "$victim" >/dev/null
for _ in $(seq 1 150); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$victim")" = healthy ] && break
  sleep 0.2
done
compose restart -t 5 nginx >/dev/null 2>&1 # re-resolve the replicas' addresses
for _ in $(seq 1 150); do
  curl -fsS --cacert "$tls/ca.pem" "https://localhost:$LB_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
served_before=$(tool_calls "$victim")
node --import tsx scripts/remote-load.ts "https://localhost:$LB_PORT/mcp" 20 10 >"$RUN/load3.json" &
LOAD_PID=$!
# Kill it once it is busy (5 calls answered since the run began): others are then in flight.
for _ in $(seq 1 100); do
  [ "$(tool_calls "$victim")" -ge $((served_before + 5)) ] && break
  sleep 0.05
done
docker kill -s KILL "$victim" >/dev/null
load_status=0
wait "$LOAD_PID" || load_status=$?
LOAD_PID=""
[ "$load_status" = 0 ] || { cat "$RUN/load3.json" >&2; fail "calls were lost when a replica was killed"; }
say "200 calls with one replica killed (SIGKILL) mid-run: $(cat "$RUN/load3.json"); nginx passed $(retried) on since its restart"
# What nginx saw over the three runs: upstream attempts per request, and their statuses.
docker logs "$(compose ps -q nginx)" 2>/dev/null | sed -n 's/.*" \([0-9]*\) upstream=.* upstream_status=\([^ ]*\( [^ ]*\)*\) ms=.*/\1 \2/p' |
  sort | uniq -c | sort -rn | head -8 | sed 's/^/[container-test]   nginx: /'
compose down --remove-orphans -t 15 >/dev/null 2>&1
COMPOSE_UP=""
