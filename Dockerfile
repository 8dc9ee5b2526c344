# The cabinet's image: one image for the app instances (ROLE=web) and the worker (ROLE=worker).
# docs/deploy.md; compose.yaml runs the whole install. Node 24 LTS on Debian 12.
FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data \
    EXCHANGE_DIR=/app/exchange

WORKDIR /app

# Dependencies first (a layer that changes only with the lock file); no dev tools.
# tsx, the TypeScript loader the portal starts with, is a production dependency (decision 125).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src

# Local state (the session secret is not used in production: SESSION_SECRET is required) and the
# exchange folders belong to the unprivileged user the portal runs as.
RUN mkdir -p /app/data /app/exchange/in /app/exchange/out && chown -R node:node /app/data /app/exchange
USER node

EXPOSE 3000
# Liveness only (the process answers): a database outage must not make Docker mark every
# instance unhealthy. HAProxy asks /health/ready before sending traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: node is PID 1 and gets docker stop's SIGTERM itself, which starts the graceful
# shutdown of decision 081 (ready turns 503, requests in flight finish, jobs are given back).
CMD ["node", "--import", "tsx", "src/main.ts"]
