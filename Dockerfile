# kaltura-mcp in remote mode (Streamable HTTP, each caller's own KS), for a container platform.
#   docker build -t kaltura-mcp .
#   docker run -p 8080:8080 -e KALTURA_SERVICE_URL=https://www.kaltura.com \
#     -e MCP_ALLOWED_HOSTS=mcp.example.com kaltura-mcp
# MCP_ALLOWED_HOSTS must name the host names clients use: the server refuses to start bound to
# 0.0.0.0 without them. The image carries no Kaltura secret and needs none. If you change the
# code, set KALTURA_MCP_SOURCE_URL to where your changed source is (AGPL).

# Build: the full toolchain, then one self-contained bundle in dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY build ./build
COPY src ./src
RUN npm run build

# Run: Node and the bundle (with its licence, third-party notices and the source it is built
# from, which the AGPL asks to offer remote users), as an unprivileged user.
FROM node:20-bookworm-slim
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
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM (what Kubernetes and Cloud Run send) stops accepting, answers the calls in flight, exits 0.
CMD ["node", "dist/index.js", "--http"]
