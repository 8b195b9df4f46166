# Portcullis container image.
#   docker build -t portcullis:0.1.0 .
#   docker run --rm -v "$PWD/config:/config:ro" -p 127.0.0.1:9091:9091 portcullis:0.1.0
# The configuration is read from /config/configuration.yml; see docs/multi-instance.md and examples/.

# --- build: compile the server and the portal, then drop the dev dependencies ---
FROM node:20-bookworm-slim AS build
# better-sqlite3 downloads a prebuilt binary; these are only used when none matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Sources first is not possible here: `npm ci` runs the `prepare` script (type check, bundle, vite build), which needs them.
# Install without scripts for the cached layer, then build explicitly.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY tools/bundle.ts ./tools/bundle.ts
COPY bin ./bin
COPY src ./src
COPY web ./web
# Native modules' install scripts (better-sqlite3), skipped above, then the build `prepare` would have run.
RUN npm rebuild \
 && npx tsc -p tsconfig.build.json --noEmit \
 && npx tsx tools/bundle.ts \
 && npx vite build web \
 && npm prune --omit=dev --ignore-scripts \
 && npm cache clean --force

# --- runtime: Node, production dependencies, the compiled code; nothing else ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
# /config holds the configuration (mount it read-only); /var/lib/portcullis is for what Portcullis writes
# (a SQLite database, the filesystem notifier's file), owned by the unprivileged `node` user (uid 1000).
RUN mkdir -p /config /var/lib/portcullis \
 && chown node:node /var/lib/portcullis
USER node
EXPOSE 9091
# No curl in the slim image: Node's own fetch. 200 only when storage (and Redis, when configured) answer.
# The address assumes the default server.address (tcp://:9091) without a path prefix.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9091/api/health').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/portcullis.js"]
CMD ["serve", "-c", "/config/configuration.yml"]
