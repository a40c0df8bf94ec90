# scim-proxy container image: Red Hat UBI 9, Node.js 24, runs under OpenShift's random UID.
#
# Build:  podman build -t scim-proxy:dev .   (or buildah bud / docker build)
#
# Disconnected or mirrored builds (README, "Build without internet access"): every outside source
# is a build argument.
#   BUILD_IMAGE, RUNTIME_IMAGE  the base images; pass them by digest (image@sha256:...), the form
#                               an ImageDigestMirrorSet redirects to your mirror, e.g.
#     skopeo inspect --format '{{.Digest}}' docker://registry.access.redhat.com/ubi9/nodejs-24-minimal:9.8-1791306535
#   NPM_REGISTRY                the npm registry or its mirror (Nexus, Artifactory, Verdaccio); npm
#                               fetches the lockfile's packages from it, integrity-checked.
ARG BUILD_IMAGE=registry.access.redhat.com/ubi9/nodejs-24:9.8-1780434037
ARG RUNTIME_IMAGE=registry.access.redhat.com/ubi9/nodejs-24-minimal:9.8-1791306535

# ---- build: compile TypeScript to dist/ with the full toolchain --------------------------------
FROM ${BUILD_IMAGE} AS build
ARG NPM_REGISTRY=https://registry.npmjs.org/
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json .npmrc ./
# --ignore-scripts: the only install script in the lockfile belongs to the devDependency `node`,
# which downloads a second Node.js that the build does not need (the image already has Node 24).
RUN npm ci --registry="${NPM_REGISTRY}" --ignore-scripts --no-audit --no-fund
COPY --chown=1001:0 tsconfig.json tsconfig.build.json ./
COPY --chown=1001:0 src ./src
# /usr/bin/node, not `node`: the image puts node_modules/.bin first on PATH, where the devDependency
# `node` (installed without its script) would shadow the real binary.
RUN /usr/bin/node node_modules/typescript/bin/tsc -p tsconfig.build.json

# ---- deps: production dependencies only (no typescript, no biome, no `node` package) -----------
FROM ${BUILD_IMAGE} AS deps
ARG NPM_REGISTRY=https://registry.npmjs.org/
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json .npmrc ./
RUN npm ci --registry="${NPM_REGISTRY}" --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

ARG RUNTIME_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown

LABEL org.opencontainers.image.title="scim-proxy" \
      org.opencontainers.image.description="Compliance-normalizing SCIM reverse proxy between Microsoft Entra ID provisioning and IBM Maximo Application Suite" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}" \
      name="scim-proxy" \
      summary="SCIM reverse proxy for Entra ID to IBM MAS" \
      description="Compliance-normalizing SCIM reverse proxy between Microsoft Entra ID provisioning and IBM Maximo Application Suite" \
      io.k8s.display-name="SCIM proxy" \
      io.k8s.description="Normalizes Entra ID SCIM requests before they reach IBM MAS" \
      io.openshift.expose-services="8080:http,8443:https,9464:metrics" \
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

# OpenShift runs the container as a random UID in group 0: the COPY --chown above already gave
# group 0 every file, and the app only reads them (read-only root filesystem), so no layer
# rewrites them again.
# `scim-proxy` on PATH (helm test runs `scim-proxy doctor`; an administrator `oc exec ... scim-proxy`).
RUN ln -s scim-proxy.js bin/scim-proxy
USER 1001
ENV PATH=/opt/app-root/src/bin:$PATH

# 8443: HTTPS with the service-ca certificate, for reencrypt Routes (TLS_PORT).
EXPOSE 8080 8443 9464
CMD ["node", "dist/main.js"]
