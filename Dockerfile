# One image for MedLedger's own processes: the chaincode server (CCaaS) and the REST gateway.
# docker-compose.yaml picks the command per service.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY cli-kit/package.json cli-kit/
COPY crypto/package.json crypto/
COPY chaincode/package.json chaincode/
COPY chaincode/domain/package.json chaincode/domain/
COPY fhir/package.json fhir/
COPY gateway/package.json gateway/
COPY network/package.json network/
COPY test/package.json test/
# npm ci's postinstall applies these to fabric-shim (Fabric 3.1 write batching and multi-key reads).
COPY patches/ patches/
RUN npm ci --no-audit --no-fund
COPY . .
RUN node node_modules/typescript/bin/tsc -b chaincode gateway && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
