# kaltura-mcp in remote mode (Streamable HTTP, each caller's own KS), for a container platform.
#   docker build -t kaltura-mcp .
#   docker run -p 8080:8080 -e KALTURA_SERVICE_URL=https://www.kaltura.com \
#     -e MCP_ALLOWED_HOSTS=mcp.example.com -e MCP_BEHIND_TLS_PROXY=true kaltura-mcp
# MCP_ALLOWED_HOSTS must name the host names clients use: the server refuses to start bound to
# 0.0.0.0 without them. Every request carries a KS, a bearer credential, so the container
# refuses to start in clear text until it is told how TLS is done: MCP_BEHIND_TLS_PROXY=true
# when a proxy or ingress in front terminates it (deploy/compose.yaml and the Kubernetes
# Deployment set it), or a mounted certificate named by MCP_TLS_CERT and MCP_TLS_KEY to serve
# HTTPS from the container itself (see docs/deploy.md). The image carries no Kaltura secret and
# needs none. If you change the code, set KALTURA_MCP_SOURCE_URL to where your changed source
# is (AGPL). Needs BuildKit (the default builder since Docker 23).

# Build: the full toolchain, then one self-contained bundle in dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# A network whose TLS is intercepted can lend its CA bundle to this step only, as a BuildKit
# secret (docker build --secret id=build_ca,src=/path/to/ca.pem); nothing of it reaches a layer.
RUN --mount=type=secret,id=build_ca \
    if [ -s /run/secrets/build_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/build_ca; fi; \
    npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY build ./build
COPY src ./src
RUN npm run build

# Run: Node and the bundle (with its licence, third-party notices and the source it is built
# from, which the AGPL asks to offer remote users), as an unprivileged user. The base image's
# package managers go: nothing here installs anything at run time.
FROM node:20-bookworm-slim
LABEL io.modelcontextprotocol.server.name="io.github.zoharbabin/kaltura-mcp" \
      org.opencontainers.image.title="kaltura-mcp" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build /src/dist ./dist
COPY package.json LICENSE tsconfig.json ./
COPY src ./src
COPY build ./build
COPY docs ./docs
USER node
EXPOSE 8080
# Over HTTPS when the container serves TLS itself (its certificate need not name 127.0.0.1).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD NODE_TLS_REJECT_UNAUTHORIZED=0 node --no-warnings -e "fetch((process.env.MCP_TLS_CERT ? 'https' : 'http') + '://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM (what Kubernetes and Cloud Run send) stops accepting, answers the calls in flight
# (up to 10 s), exits 0.
CMD ["node", "dist/index.js", "--http"]
