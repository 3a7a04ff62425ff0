#!/usr/bin/env bash
# `make test-container`: build the project's Dockerfile with podman and check the
# image as a user would run it (see README, "Docker"). From a clean Debian machine:
#   1. installs podman, runc, debootstrap (and redis-cli) when missing;
#   2. makes the two local base images when missing, and keeps them cached:
#      localhost/debian:bookworm-slim (debootstrap --variant=minbase, slimmed)
#      localhost/swift-builder:local  (the Swift toolchain is mounted at build time)
#   3. builds the Dockerfile into localhost/swirl:test;
#   4. runs it (runc, explicit ulimits, --network host, a free port passed after
#      the image name, a named volume on /data) and checks commands, user, PID 1,
#      healthcheck, SIGTERM -> exit 0 with the AOF on the volume, data after a
#      restart, a mounted config file with an overriding argument, image size.
# It ends with `container-test: N passed, N failed` and exits non-zero on any
# failure. Its containers and volumes are removed on exit, whatever happens.
#
# Environment: SWIFT_ROOT (folder holding usr/bin/swift; default: found from
# `swift` on PATH), IMAGE (default localhost/swirl:test), KEEP_IMAGE=0 to remove
# the built images at the end, BUILD_TIMEOUT (seconds, default 2700),
# DEBIAN_MIRROR (for debootstrap, default http://deb.debian.org/debian).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

BASE_IMAGE=localhost/debian:bookworm-slim
BUILDER_IMAGE=localhost/swift-builder:local
IMAGE=${IMAGE:-localhost/swirl:test}
BUILD_STAGE_IMAGE=$IMAGE-build-stage
BUILD_TIMEOUT=${BUILD_TIMEOUT:-2700}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
MAX_IMAGE_BYTES=100000000   # 100 MB
LABEL=swirl.container-test
PODMAN=(podman --runtime runc)
RUN_LIMITS=(--ulimit nofile=10240:10240 --ulimit nproc=4096:4096)

started=$(date +%s)
passed=0
failed=0
containers=()
volumes=()
work=$(mktemp -d /tmp/swirl-container-test.XXXXXX)

log() { printf '[container-test %4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
ok() { passed=$((passed + 1)); printf '  ok    %s\n' "$*"; }
not_ok() { failed=$((failed + 1)); printf '  FAIL  %s\n' "$*" >&2; }
check() { # check DESCRIPTION COMMAND...: one test
    local what=$1; shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
summary() { echo "container-test: $passed passed, $failed failed"; }
die() { # a step that the rest depends on failed: say why, count it, stop
    not_ok "$*"
    summary
    exit 1
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local c v
    for c in "${containers[@]}"; do
        timeout 60 "${PODMAN[@]}" rm -f -v -t 0 "$c" >/dev/null 2>&1 || echo "container-test: could not remove container $c" >&2
    done
    for v in "${volumes[@]}"; do
        timeout 60 podman volume rm -f "$v" >/dev/null 2>&1 || echo "container-test: could not remove volume $v" >&2
    done
    if [ "${KEEP_IMAGE:-1}" = 0 ]; then timeout 60 podman rmi -f "$IMAGE" "$BUILD_STAGE_IMAGE" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'echo "container-test: interrupted" >&2; exit 130' INT TERM

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Containers and volumes left by an earlier run that was killed (its pid is gone).
remove_stale() {
    local id pid
    while read -r id pid; do
        [ -n "$id" ] || continue
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
        echo "container-test: removing container $id left by an earlier run (pid $pid)"
        timeout 60 "${PODMAN[@]}" rm -f -v -t 0 "$id" >/dev/null 2>&1 || true
    done < <(timeout 60 podman ps -a --filter "label=$LABEL" --format "{{.ID}} {{index .Labels \"$LABEL\"}}" 2>/dev/null)
    while read -r id pid; do
        [ -n "$id" ] || continue
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
        timeout 60 podman volume rm -f "$id" >/dev/null 2>&1 || true
    done < <(timeout 60 podman volume ls --filter "label=$LABEL" --format "{{.Name}} {{index .Labels \"$LABEL\"}}" 2>/dev/null)
}

# ---------------------------------------------------------------- 1. tools
log "tools"
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt-get)"
    command -v apt-get >/dev/null 2>&1 || die "need ${missing[*]} and apt-get is not here (Debian/Ubuntu only)"
    as_root timeout 600 apt-get update -qq || log "apt-get update reported errors; trying the install anyway"
    as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${missing[@]}" >"$work/apt.log" 2>&1 \
        || { tail -n 30 "$work/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
fi
[ "$(id -u)" = 0 ] || die "run as root: the images live in root's podman storage (sudo make test-container)"
for tool in podman runc debootstrap redis-cli python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
log "$(podman --version), $(runc --version | head -n 1)"
remove_stale

if [ -z "${SWIFT_ROOT:-}" ]; then
    swift_bin=$(command -v swift) || die "swift not on PATH: set SWIFT_ROOT to the folder that holds usr/bin/swift"
    SWIFT_ROOT=$(dirname "$(dirname "$(dirname "$(readlink -f "$swift_bin")")")")
fi
[ -x "$SWIFT_ROOT/usr/bin/swift" ] || die "SWIFT_ROOT=$SWIFT_ROOT has no usr/bin/swift"
log "Swift toolchain: $SWIFT_ROOT ($("$SWIFT_ROOT/usr/bin/swift" --version 2>/dev/null | head -n 1))"

# ---------------------------------------------------------------- 2. base images
# One run at a time makes the images (concurrent test runs wait here until the build is done).
exec 9>/tmp/swirl-container-test.lock
flock -w 3600 9 || die "timed out (1 h) waiting for another container test to finish building"

if ! timeout 120 podman image exists "$BASE_IMAGE"; then
    log "making $BASE_IMAGE: debootstrap --variant=minbase bookworm (cached for later runs)"
    rootfs="$work/rootfs"
    timeout 1200 debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    # What the official slim image does: no docs, man pages or translations, no apt caches.
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null
    find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null
    rm -rf "$rootfs"/usr/share/{man,info,groff,lintian,linda}/* "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
    find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null
    tar -C "$rootfs" -c . | timeout 600 podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$BASE_IMAGE" >"$work/import.log" 2>&1 \
        || { cat "$work/import.log" >&2; die "podman import of the debootstrap root failed"; }
    rm -rf "$rootfs"
fi
ok "base image $BASE_IMAGE ($(timeout 60 podman image inspect "$BASE_IMAGE" --format '{{.Size}}' | awk '{printf "%.1f MB", $1 / 1e6}'))"

if ! timeout 120 podman image exists "$BUILDER_IMAGE"; then
    log "making $BUILDER_IMAGE (what the official Swift image carries, the toolchain mounted at /opt/swift)"
    mkdir -p "$work/builder"
    cat >"$work/builder/Containerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
       binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev \\
       libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev pkg-config tzdata zlib1g-dev libncurses6 gcc \\
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
    timeout 1800 podman build --isolation chroot -t "$BUILDER_IMAGE" "$work/builder" >"$work/builder.log" 2>&1 \
        || { tail -n 30 "$work/builder.log" >&2; die "building $BUILDER_IMAGE failed"; }
fi
ok "builder image $BUILDER_IMAGE"

# ---------------------------------------------------------------- 3. the image
log "building $IMAGE from ./Dockerfile (swift build -c release inside; slow on 2 busy cores)"
build_started=$(date +%s)
# --format docker: the OCI format has no HEALTHCHECK, podman would drop it.
# The build stage is built and tagged first ($BUILD_STAGE_IMAGE) so that the prune
# below keeps it as the cache of the next run; the second command reuses its layers.
build_args=(--isolation chroot --format docker
    --build-arg SWIFT_IMAGE="$BUILDER_IMAGE" --build-arg RUNTIME_IMAGE="$BASE_IMAGE"
    -v "$SWIFT_ROOT":/opt/swift:ro)
if ! { timeout "$BUILD_TIMEOUT" podman build "${build_args[@]}" --target build -t "$BUILD_STAGE_IMAGE" . \
    && timeout "$BUILD_TIMEOUT" podman build "${build_args[@]}" -t "$IMAGE" .; } >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    die "podman build of the Dockerfile failed or took over ${BUILD_TIMEOUT}s (log above)"
fi
ok "podman build of the Dockerfile ($(($(date +%s) - build_started))s)"
# Drop the untagged leftovers of earlier builds; the tagged images keep their layers.
timeout 300 podman image prune -f --filter "until=$build_started" >/dev/null 2>&1 || log "podman image prune failed (ignored)"
flock -u 9
exec 9>&-

size=$(timeout 60 podman image inspect "$IMAGE" --format '{{.Size}}')
size_mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')
log "image $IMAGE: $size_mb MB ($size bytes)"
check "image size $size_mb MB < 100 MB" test "$size" -lt "$MAX_IMAGE_BYTES"

inspect() { timeout 60 podman image inspect "$IMAGE" --format "$1" 2>/dev/null; }
check "image runs as user 999:999" test "$(inspect '{{.Config.User}}')" = "999:999"
check "image workdir is /data" test "$(inspect '{{.Config.WorkingDir}}')" = /data
check "image declares the /data volume" grep -q '/data' <<<"$(inspect '{{json .Config.Volumes}}')"
check "image exposes 6379/tcp" grep -q '6379/tcp' <<<"$(inspect '{{json .Config.ExposedPorts}}')"
check "image has a HEALTHCHECK" grep -q 'swirl-healthcheck' <<<"$(inspect '{{json .Config.Healthcheck}}')"
check "entrypoint is exec form swirl-server + config" \
    test "$(inspect '{{json .Config.Entrypoint}}')" = '["swirl-server","/etc/swirl/swirl.conf"]'
# shellcheck disable=SC2016 # ${Package} is dpkg-query's, $1 the inner shell's
pkgs=$(timeout 120 "${PODMAN[@]}" run --rm --network none "${RUN_LIMITS[@]}" --entrypoint dpkg-query "$IMAGE" -W -f '${Package}\n' 2>/dev/null)
# shellcheck disable=SC2016
check "runtime image has libuv1 and no Swift toolchain or compiler" \
    bash -c 'grep -qx libuv1 <<<"$1" && ! grep -qE "^(gcc|binutils|libc6-dev|libuv1-dev)$" <<<"$1"' _ "$pkgs"
version=$(timeout 60 "${PODMAN[@]}" run --rm --network none "${RUN_LIMITS[@]}" --entrypoint swirl-server "$IMAGE" --version 2>/dev/null)
check "swirl-server --version runs in the image: $version" grep -q 'redis_version=' <<<"$version"

# ---------------------------------------------------------------- 4. running it
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cli() { timeout 10 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>&1; }

start() { # start NAME VOLUME-OR-MOUNT [PODMAN-OPTIONS...] -- SERVER-ARGS...: run detached, remember it for cleanup
    local name=$1 mount=$2 options=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
    shift
    containers+=("$name")
    timeout 120 "${PODMAN[@]}" run -d --name "$name" --label "$LABEL=$$" --network host "${RUN_LIMITS[@]}" \
        "${options[@]}" -v "$mount" "$IMAGE" "$@" >"$work/$name.id" 2>"$work/$name.err" \
        || { cat "$work/$name.err" >&2; return 1; }
}

wait_ready() { # wait_ready NAME PORT [AUTH-ARGS...]: until PING answers, 60 s at most
    local name=$1 p=$2; shift 2
    local deadline=$(($(date +%s) + 60)) state
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if [ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$p" "$@" PING 2>/dev/null)" = PONG ]; then return 0; fi
        state=$(timeout 30 podman inspect "$name" --format '{{.State.Status}}' 2>/dev/null)
        if [ "$state" != running ]; then
            echo "container $name is $state; its log:" >&2
            timeout 30 podman logs "$name" 2>&1 | tail -n 30 >&2
            return 1
        fi
        sleep 0.5
    done
    echo "container $name did not answer PING on port $p within 60 s; its log:" >&2
    timeout 30 podman logs "$name" 2>&1 | tail -n 30 >&2
    return 1
}

stop_cleanly() { # stop_cleanly NAME: SIGTERM (podman stop -t 10), then expect exit code 0 before the 10 s
    local name=$1 t0 took code
    t0=$(date +%s)
    timeout 60 "${PODMAN[@]}" stop -t 10 "$name" >/dev/null 2>&1 || { echo "podman stop $name failed" >&2; return 1; }
    took=$(($(date +%s) - t0))
    code=$(timeout 30 podman inspect "$name" --format '{{.State.ExitCode}}' 2>/dev/null)
    if [ "$code" != 0 ] || [ "$took" -ge 10 ]; then
        echo "container $name: exit code $code after ${took}s (expected 0, well before the 10 s SIGKILL); its log:" >&2
        timeout 30 podman logs "$name" 2>&1 | tail -n 20 >&2
        return 1
    fi
}

port=$(free_port) || die "could not find a free port"
volume="swirl-ct-$$"
volumes+=("$volume")
timeout 60 podman volume create --label "$LABEL=$$" "$volume" >/dev/null || die "podman volume create failed"

log "run 1: $IMAGE --port $port, volume $volume on /data"
first="swirl-ct-$$-first"
start "$first" "$volume:/data" -- --port "$port" || die "podman run failed"
wait_ready "$first" "$port" || die "the container did not become ready"
ok "container answers PING on port $port (the argument after the image name)"

check "SET greeting" test "$(cli SET greeting 'hello from a container')" = OK
check "GET greeting" test "$(cli GET greeting)" = 'hello from a container'
check "HSET user:1 (2 fields)" test "$(cli HSET user:1 name Ada lang Swift)" = 2
check "HGETALL user:1" test "$(cli HGETALL user:1 | tr '\n' ' ')" = 'name Ada lang Swift '
check "INFO server has redis_version" grep -q '^redis_version:' <<<"$(cli INFO server)"
check "CONFIG GET port is $port" test "$(cli CONFIG GET port | tail -n 1)" = "$port"
check "CONFIG GET dir is /data" test "$(cli CONFIG GET dir | tail -n 1)" = /data
check "CONFIG GET appendonly is yes" test "$(cli CONFIG GET appendonly | tail -n 1)" = yes
check "listens on all interfaces (bind *)" grep -q '^\*' <<<"$(cli CONFIG GET bind | tail -n 1)"
check "protected-mode no (clients come through port mappings)" test "$(cli CONFIG GET protected-mode | tail -n 1)" = no

status=$(timeout 30 "${PODMAN[@]}" exec "$first" cat /proc/1/status 2>/dev/null)
check "PID 1 is swirl-server" test "$(awk '/^Name:/ { print $2 }' <<<"$status")" = swirl-server
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' <<<"$status")
check "PID 1 runs as uid 999, not root (Uid: $uids)" test "$uids" = "999 999 999 999"
check "podman exec runs as uid 999" test "$(timeout 30 "${PODMAN[@]}" exec "$first" id -u 2>/dev/null)" = 999
health=$(timeout 30 "${PODMAN[@]}" exec "$first" swirl-healthcheck 2>&1)
check "healthcheck command succeeds in the container ($health)" test "$health" = "port $port: +PONG"
check "podman healthcheck run says healthy" timeout 30 "${PODMAN[@]}" healthcheck run "$first"
check "healthcheck fails where no server answers" \
    bash -c '! timeout 30 "$@" >/dev/null 2>&1' _ "${PODMAN[@]}" run --rm --network none "${RUN_LIMITS[@]}" \
    --entrypoint swirl-healthcheck "$IMAGE"

check "SIGTERM (podman stop -t 10): exit code 0" stop_cleanly "$first"
mountpoint=$(timeout 30 podman volume inspect "$volume" --format '{{.Mountpoint}}')
aof_dir="$mountpoint/appendonlydir"
check "AOF manifest on the volume" test -s "$aof_dir/appendonly.aof.manifest"
check "AOF holds the writes" grep -q 'hello from a container' <<<"$(cat "$aof_dir"/*.aof 2>/dev/null)"
check "AOF files belong to uid 999" test "$(stat -c %u "$aof_dir/appendonly.aof.manifest" 2>/dev/null)" = 999

# As deploy/kubernetes runs it: read-only root, no capabilities, no privilege escalation.
log "run 2: a new container on the same volume, read-only root filesystem, no capabilities"
second="swirl-ct-$$-second"
port=$(free_port) || die "could not find a free port"
start "$second" "$volume:/data" --read-only --read-only-tmpfs=false --cap-drop ALL \
    --security-opt no-new-privileges -- --port "$port" || die "podman run (second container) failed"
wait_ready "$second" "$port" || die "the second container did not become ready"
check "data survives: GET greeting" test "$(cli GET greeting)" = 'hello from a container'
check "data survives: HGETALL user:1" test "$(cli HGETALL user:1 | tr '\n' ' ')" = 'name Ada lang Swift '
check "writes after the restart: SET counter" test "$(cli INCRBY counter 42)" = 42
check "SIGTERM again: exit code 0" stop_cleanly "$second"
check "AOF holds the write of the second container" grep -q counter <<<"$(cat "$aof_dir"/*.aof 2>/dev/null)"

log "run 3: a config file mounted at /etc/swirl/swirl.conf, --requirepass after the image name"
third="swirl-ct-$$-config"
port=$(free_port) || die "could not find a free port"
printf '%s\n' 'bind 127.0.0.1' "port $port" 'dir /data' 'appendonly no' 'requirepass from-the-file' >"$work/swirl.conf"
chmod 0644 "$work/swirl.conf"
start "$third" "$work/swirl.conf:/etc/swirl/swirl.conf:ro" -- --requirepass s3cret || die "podman run (mounted config) failed"
wait_ready "$third" "$port" --no-auth-warning -a s3cret || die "the container with a mounted config did not become ready"
ok "mounted config: listens on the file's port $port"
check "mounted config: appendonly no from the file" test "$(cli --no-auth-warning -a s3cret CONFIG GET appendonly | tail -n 1)" = no
check "argument --requirepass overrides the file: CONFIG GET requirepass" \
    test "$(cli --no-auth-warning -a s3cret CONFIG GET requirepass | tail -n 1)" = s3cret
check "AUTH with the argument's password: OK" test "$(cli AUTH s3cret)" = OK
check "AUTH with the file's password: WRONGPASS" grep -q '^WRONGPASS' <<<"$(cli AUTH from-the-file)"
health=$(timeout 30 "${PODMAN[@]}" exec "$third" swirl-healthcheck 2>&1)
# -NOAUTH once the server refuses unauthenticated PING, as Redis does.
check "healthcheck finds the port in the mounted file ($health)" grep -qE "^port $port: (\+PONG|-NOAUTH)" <<<"$health"
check "SIGTERM: exit code 0" stop_cleanly "$third"

log "image $IMAGE is $size_mb MB; whole run took $(($(date +%s) - started))s"
summary
[ "$failed" = 0 ]
