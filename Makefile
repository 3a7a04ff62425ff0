# Swirl: `make run` starts a release server on 6379, `make test` runs every test.
# Both install what they need on Debian/Ubuntu (apt-get; sudo when not root).

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
REQUIREMENTS := Tests/Integration/requirements.txt
N ?= 5
PYTEST_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 6379
ARGS ?=

.PHONY: all build release run test test-unit test-integration test-repeat test-container lint deps test-deps python-deps bench fuzz fuzz-build clean

all: build

# The system libraries the build needs: libuv, and Lua 5.1 with its cjson and bit libraries (scripting).
SYSTEM_DEPS := libuv1-dev liblua5.1-0-dev lua-cjson-dev lua-bitop-dev pkg-config
deps:
	@dpkg -s $(SYSTEM_DEPS) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(SYSTEM_DEPS); }

# What the tests drive Swirl with: redis-cli, redis-benchmark, redis-server 7 (for differential tests),
# systemd-analyze (deploy/swirl.service), unshare (the syslog test's mount namespace), nutcracker
# (twemproxy, deploy/twemproxy) and prometheus-redis-exporter (docs/MONITORING.md),
# and the pinned Python tools (pytest, redis-py, hadolint). Each `command:package` whose
# command is missing gets its Debian package installed.
TEST_TOOLS := redis-server:redis-server redis-cli:redis-tools redis-benchmark:redis-tools \
	systemd-analyze:systemd unshare:util-linux /usr/sbin/nutcracker:nutcracker prometheus-redis-exporter:prometheus-redis-exporter
test-deps: deps python-deps
	@missing=$$(for tool in $(TEST_TOOLS); do command -v $${tool%%:*} >/dev/null 2>&1 || echo $${tool#*:}; done | sort -u); \
		[ -z "$$missing" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; }

# $(REQUIREMENTS), exactly, in the project's virtual environment $(VENV): created when missing or broken
# (with python3-venv from apt when this Python cannot make one), reinstalled whenever the file differs
# from the copy kept after the last install.
python-deps:
	@$(VENV_PYTHON) -c "" 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV) 2>/dev/null; } \
		|| { rm -rf $(VENV); $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3 python3-venv \
			&& $(PYTHON) -m venv $(VENV); }
	@cmp -s $(REQUIREMENTS) $(VENV)/requirements.installed \
		|| { $(VENV_PYTHON) -m pip install -q --disable-pip-version-check -r $(REQUIREMENTS) \
			&& cp $(REQUIREMENTS) $(VENV)/requirements.installed; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: release
	./.build/release/swirl-server --port $(PORT) $(ARGS)

test: test-deps lint test-unit test-integration

test-unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-integration: build python-deps
	$(VENV_PYTHON) -m pytest -q $(PYTEST_ARGS)

# The integration and differential tests N times in a row (make test-repeat N=20), stopping at the
# first failing run; PYTEST_ARGS narrows them (PYTEST_ARGS="-k notifications").
test-repeat: build python-deps
	@for run in $$(seq $(N)); do \
		echo "test-repeat: run $$run of $(N)"; \
		$(VENV_PYTHON) -m pytest -q $(PYTEST_ARGS) || { echo "test-repeat: run $$run of $(N) failed"; exit 1; }; \
	done; echo "test-repeat: all $(N) runs passed"

lint: python-deps
	$(VENV)/bin/hadolint Dockerfile

# Builds the Dockerfile with podman (local base images, made once and cached) and
# runs the image: commands, volume, SIGTERM, restart, user, healthcheck, size.
# Installs podman, runc, debootstrap when missing; needs root (sudo otherwise).
test-container:
	$(SUDO) env SWIFT_ROOT="$${SWIFT_ROOT:-$$(dirname "$$(dirname "$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")")")}" \
		bash scripts/container-test.sh

# The in-process fuzzer (docs/RELIABILITY.md): libFuzzer and AddressSanitizer,
# built apart in .build-fuzz (lld links it: gold fails on the sanitizer runtime).
# `make fuzz SECONDS=600` runs it that long; new inputs go to .build-fuzz/corpus,
# a crash to .build-fuzz/crashes/ (replay it: swift run swirl-fuzz FILE; keep it
# as a regression test in Tests/FuzzTests/corpus). FUZZ_ARGS adds libFuzzer flags.
SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_BIN := .build-fuzz/release/swirl-fuzz

fuzz-build: deps
	$(SWIFT) build -c release --scratch-path .build-fuzz --product swirl-fuzz -Xswiftc -DSWIRL_LIBFUZZER \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

# Swift's own crash backtracer is off: it reads memory AddressSanitizer reports.
# Leak checks are off: the engine is reused across inputs, so every input looks
# like a leak to libFuzzer, and checking tripled the time per input.
fuzz: fuzz-build
	mkdir -p .build-fuzz/corpus .build-fuzz/crashes
	$(FUZZ_BIN) --dictionary > .build-fuzz/swirl.dict
	SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=malloc_context_size=2 $(FUZZ_BIN) -dict=.build-fuzz/swirl.dict \
		-max_total_time=$(SECONDS) -timeout=10 -rss_limit_mb=3072 -detect_leaks=0 -max_len=4096 -print_final_stats=1 \
		-artifact_prefix=.build-fuzz/crashes/ $(FUZZ_ARGS) .build-fuzz/corpus Tests/FuzzTests/corpus

bench: release
	scripts/bench.sh --quick

clean:
	rm -rf .build .build-fuzz
