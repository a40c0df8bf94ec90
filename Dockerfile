# scim-proxy container image: Red Hat UBI 9, Node.js 24, runs under OpenShift's random UID.
#
# Build:  podman build -t scim-proxy:dev .   (or buildah bud / docker build)
#
# Base images are pinned by exact tag. For a reproducible build, also pin the digest by
# appending it to the tag, e.g.
#   skopeo inspect --format '{{.Digest}}' docker://registry.access.redhat.com/ubi9/nodejs-24-minimal:9.8-1791306535
#   FROM registry.access.redhat.com/ubi9/nodejs-24-minimal:9.8-1791306535@sha256:<digest>
# and let Renovate or Dependabot bump both together.

# ---- build: compile TypeScript to dist/ with the full toolchain --------------------------------
FROM registry.access.redhat.com/ubi9/nodejs-24:9.8-1780434037 AS build
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json .npmrc ./
# --ignore-scripts: the only install script in the lockfile belongs to the devDependency `node`,
# which downloads a second Node.js that the build does not need (the image already has Node 24).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY --chown=1001:0 tsconfig.json tsconfig.build.json ./
COPY --chown=1001:0 src ./src
# /usr/bin/node, not `node`: the image puts node_modules/.bin first on PATH, where the devDependency
# `node` (installed without its script) would shadow the real binary.
RUN /usr/bin/node node_modules/typescript/bin/tsc -p tsconfig.build.json

# ---- deps: production dependencies only (no typescript, no biome, no `node` package) -----------
FROM registry.access.redhat.com/ubi9/nodejs-24:9.8-1780434037 AS deps
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------------
FROM registry.access.redhat.com/ubi9/nodejs-24-minimal:9.8-1791306535

ARG VERSION=0.1.0
ARG REVISION=unknown

LABEL org.opencontainers.image.title="scim-proxy" \
      org.opencontainers.image.description="Compliance-normalizing SCIM reverse proxy between Microsoft Entra ID provisioning and IBM Maximo Application Suite" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="registry.access.redhat.com/ubi9/nodejs-24-minimal:9.8-1791306535" \
      name="scim-proxy" \
      summary="SCIM reverse proxy for Entra ID to IBM MAS" \
      description="Compliance-normalizing SCIM reverse proxy between Microsoft Entra ID provisioning and IBM Maximo Application Suite" \
      io.k8s.display-name="SCIM proxy" \
      io.k8s.description="Normalizes Entra ID SCIM requests before they reach IBM MAS" \
      io.openshift.expose-services="8080:http,9464:metrics" \
      io.openshift.tags="scim,entra,maximo,proxy"

WORKDIR /opt/app-root/src
# Inside the chart's 384Mi limit Node gives V8 a 256 MB old space (its floor, ample for a 32 MiB MAS
# answer read whole, two at once) and 1 MB semi-spaces, which double GC time. 8 MB semi-spaces,
# measured beside 1, 4 and 16 in that limit (npm run bench:ab): 1 and 4 cost CPU, 16 costs RSS for no
# CPU; RSS under load stays near 125-135 MB (npm run bench and the soak run with these same flags).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=8" \
    PORT=8080 \
    METRICS_PORT=9464

COPY --from=deps --chown=1001:0 /opt/app-root/src/node_modules ./node_modules
COPY --from=build --chown=1001:0 /opt/app-root/src/dist ./dist
COPY --chown=1001:0 package.json ./
COPY --chown=1001:0 rules ./rules
COPY --chown=1001:0 bin ./bin

# OpenShift runs the container as a random UID in group 0: give group 0 the owner's rights.
USER 0
RUN chgrp -R 0 /opt/app-root/src && chmod -R g=u /opt/app-root/src
USER 1001

EXPOSE 8080 9464
CMD ["node", "dist/main.js"]
