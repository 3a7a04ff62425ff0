# Swirl in a container: built with the official Swift image, run on slim Debian.
# Elsewhere `docker build .` uses the defaults; on machines without a registry
# the two base images are named with --build-arg (README, `make test-container`).
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libuv1-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tests/ only because Package.swift names the test targets: nothing in it is built.
COPY Package.swift ./
COPY CLibUV CLibUV
COPY CLua CLua
COPY Tests Tests
COPY Sources Sources
RUN swift build -c release --static-swift-stdlib --product swirl-server \
    && install -m 0755 "$(swift build -c release --show-bin-path)/swirl-server" /usr/local/bin/swirl-server \
    && strip /usr/local/bin/swirl-server

FROM ${RUNTIME_IMAGE}
# `protected-mode no`: clients reach a container through port mappings, never from
# its loopback, so protected mode would refuse them all (the official Redis image
# turns it off too). Set a password (`--requirepass`) when the port is published.
# The healthcheck speaks RESP over bash's /dev/tcp (no extra package): it finds
# the port in /etc/swirl/swirl.conf and then on PID 1's command line (`--port N`),
# and counts `+PONG` and `-NOAUTH` (a password is set) as healthy. That is why the
# image's config says `set-proc-title no`: the process title would replace the
# command line the healthcheck reads.
# hadolint ignore=DL3008,SC2016
RUN apt-get update \
    && apt-get install -y --no-install-recommends libuv1 liblua5.1-0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 999 swirl \
    && useradd --system --uid 999 --gid swirl --home-dir /data --no-create-home --shell /usr/sbin/nologin swirl \
    && mkdir -p /data /etc/swirl \
    && chown swirl:swirl /data \
    && printf '%s\n' '# Defaults of the image; arguments after the image name override them.' \
        'bind * -::*' 'protected-mode no' 'set-proc-title no' 'port 6379' 'dir /data' 'appendonly yes' 'appendfsync everysec' > /etc/swirl/swirl.conf \
    && printf '%s\n' '#!/bin/bash' \
        '# Exits 0 when the Swirl server of this container answers PING.' \
        'port=6379' \
        'while read -r key value _ || [ -n "$key" ]; do' \
        '    [ "${key,,}" = port ] && port=${value//\"/}' \
        'done < /etc/swirl/swirl.conf' \
        'mapfile -d "" -t argv < /proc/1/cmdline' \
        'for ((i = 1; i + 1 < ${#argv[@]}; i++)); do' \
        '    [ "${argv[i]}" = --port ] && port=${argv[i + 1]}' \
        'done' \
        'exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1' \
        'printf "PING\r\n" >&3' \
        'IFS= read -r -t 2 reply <&3 || exit 1' \
        'reply=${reply%[[:space:]]}' \
        'echo "port $port: $reply"' \
        '[ "$reply" = +PONG ] || [ "${reply%% *}" = -NOAUTH ]' > /usr/local/bin/swirl-healthcheck \
    && chmod 0755 /usr/local/bin/swirl-healthcheck
COPY --from=build /usr/local/bin/swirl-server /usr/local/bin/swirl-server
USER 999:999
WORKDIR /data
VOLUME ["/data"]
EXPOSE 6379
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["swirl-healthcheck"]
# swirl-server is PID 1, so `docker stop` (SIGTERM) reaches it: it writes and fsyncs the AOF, exits 0.
# Arguments after the image name are appended and override the file: `docker run swirl --requirepass s3cret`.
ENTRYPOINT ["swirl-server", "/etc/swirl/swirl.conf"]
