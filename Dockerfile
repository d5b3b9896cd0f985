# syntax=docker/dockerfile:1
# The conference attendant: build with the dev dependencies, run with the production ones.
#   docker build -t conference-attendant .
# See docker-compose.yml for the service with PostgreSQL and Redis, and README "## Docker".

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile the server (dist/src) and the admin console's browser code (dist/web) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# no install scripts: nothing here needs one (esbuild's only checks its binary)
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.web.json ./
COPY src ./src
COPY web ./web
RUN npm run build

# ---- production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# Owned by root and read-only to the service: it writes nothing to its own folder in production.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/console/index.html /app/web/console/console.css ./web/console/
COPY migrations ./migrations
COPY config ./config
# the image's unprivileged user (uid 1000)
USER node
EXPOSE 3000
# /healthz: the process is up (/readyz also needs PostgreSQL and Redis: for a load balancer).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1 (not npm), so that SIGTERM reaches the graceful shutdown in src/main.ts.
# Migrations are applied at start, under an advisory lock (several replicas may start at once).
CMD ["node", "dist/src/main.js"]
