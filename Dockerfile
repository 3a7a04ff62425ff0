# Swirl in a container: built with the official Swift image, run on slim Debian.
# Elsewhere `docker build .` uses the defaults; on machines without a registry
# the two base images can be named with --build-arg (see README).
ARG SWIFT_IMAGE=swift:6.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libuv1-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY CLibUV CLibUV
COPY Sources Sources
RUN swift build -c release --static-swift-stdlib --product swirl-server \
    && install -m 0755 "$(swift build -c release --show-bin-path)/swirl-server" /usr/local/bin/swirl-server

FROM ${RUNTIME_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libuv1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 999 swirl \
    && useradd --system --uid 999 --gid swirl --home-dir /data --shell /usr/sbin/nologin swirl \
    && mkdir -p /data /etc/swirl \
    && chown swirl:swirl /data \
    && printf 'bind * -::*\ndir /data\nappendonly yes\nappendfsync everysec\n' > /etc/swirl/swirl.conf
COPY --from=build /usr/local/bin/swirl-server /usr/local/bin/swirl-server
USER 999:999
WORKDIR /data
VOLUME ["/data"]
EXPOSE 6379
# Speaks RESP over bash's /dev/tcp: no extra package in the image.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\\r\\n' >&3 && IFS= read -r -t 2 line <&3 && [ \"${line%$'\\r'}\" = '+PONG' ]"]
# Arguments after the image name are appended and override the file: `docker run swirl --requirepass s3cret`.
ENTRYPOINT ["swirl-server", "/etc/swirl/swirl.conf"]
