# arc: developer entry points. `make up` sets up and brings the backbone up; `make test` runs
# the checks CI runs.
CARGO ?= cargo
ARC_RELEASE := target/release/arc

.PHONY: up down health deps build install test lint completions bench

## Install the servers, build arc, and bring the `think` profile up as native processes.
up: deps build
	$(ARC_RELEASE) up think

down: build
	$(ARC_RELEASE) down

health: build
	$(ARC_RELEASE) health

## Debian packages (nats-server, redis-server, postgresql) and pulsar-lite from PyPI.
deps:
	scripts/deps.sh

build:
	$(CARGO) build --release --locked

install:
	$(CARGO) install --path . --locked

## Formatting, lints, and every test (they start real servers on free ports).
test: deps
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
