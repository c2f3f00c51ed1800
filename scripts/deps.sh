#!/usr/bin/env bash
# Installs what arc runs natively and what its tests need, idempotently:
#   nats-server, redis-server, PostgreSQL (Debian packages) and pulsar-lite (PyPI).
# Run as root or with sudo available. Safe to run again: it installs only what is missing.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

have_postgres() {
  command -v postgres >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

need=()
command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
have_postgres || need+=(postgresql)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-pip)

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

# The servers run as native processes: make sure none of the packages' own instances holds the
# default ports (Debian may start them on install where an init system runs).
for svc in redis-server postgresql nats-server; do
  if command -v service >/dev/null 2>&1; then $SUDO service "$svc" stop >/dev/null 2>&1 || true; fi
done

echo "deps: nats-server $(nats-server --version 2>&1 | awk '{print $2}'), $(redis-server --version | awk '{print $3}'), pulsar-lite at $(command -v pulsar-lite), postgres $(ls -d /usr/lib/postgresql/*/ 2>/dev/null | xargs -n1 basename | tr '\n' ' ')" >&2
