#!/usr/bin/env bash
# The Docker runtime's figures: `arc up` of flash + sonic + logstore from created-nothing to all
# healthy, against `docker-compose up -d` plus polling until the same containers are healthy
# (same local image, same commands and health checks, same machine, alternating runs); then
# `arc up` on a healthy profile and `arc ps`. Uses the local test image (scripts/test-image.sh),
# since no registry is reachable here.
#   scripts/bench-docker.sh [RUNS]    (default 3 alternating runs; medians reported)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
ARC=${ARC:-target/release/arc}
[ -x "$ARC" ] || cargo build --release --locked >&2
scripts/test-image.sh >&2
command -v docker-compose >/dev/null || { echo "docker-compose is missing: apt-get install docker-compose" >&2; exit 1; }

work=$(mktemp -d)
export ARC_STATE_DIR="$work/state" CI=true
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NC=$(free_port); NM=$(free_port); RP=$(free_port); PG=$(free_port)
D=/var/lib/postgresql/data
PGCMD="test -s $D/PG_VERSION || { initdb -D $D -U arc --auth=trust >/dev/null && echo 'CREATE DATABASE arc;' | postgres --single -D $D postgres >/dev/null; }; exec postgres -D $D"
cat > "$work/overlay.yaml" <<YAML
services:
  flash:
    image: arc-test/backbone:1
    command: [nats-server, --jetstream, --store_dir, /data/jetstream, --http_port, "8222", --server_name, arc-flash]
    ports: [ { name: client, host: $NC }, { name: monitor, host: $NM } ]
    health: { docker_test: [CMD, bash, -c, "echo > /dev/tcp/127.0.0.1/8222"], interval: 1s }
  sonic:
    image: arc-test/backbone:1
    command: [redis-server, --appendonly, "yes", --dir, /data]
    ports: [ { name: client, host: $RP } ]
  logstore:
    image: arc-test/backbone:1
    command: [sh, -c, "$PGCMD"]
    ports: [ { name: client, host: $PG } ]
    health: { docker_test: [CMD-SHELL, "pg_isready -h 127.0.0.1 -p 5432 -U arc"] }
YAML
cat > "$work/docker-compose.yml" <<YAML
version: "2.4"
services:
  flash:
    image: arc-test/backbone:1
    user: "1000:1000"
    command: [nats-server, --jetstream, --store_dir, /data/jetstream, --http_port, "8222", --server_name, arc-flash]
    ports: ["127.0.0.1:$NC:4222", "127.0.0.1:$NM:8222"]
    volumes: ["flash-data:/data"]
    healthcheck: { test: [CMD, bash, -c, "echo > /dev/tcp/127.0.0.1/8222"], interval: 1s, timeout: 1s, retries: 5, start_period: 5s }
  sonic:
    image: arc-test/backbone:1
    user: "1000:1000"
    command: [redis-server, --appendonly, "yes", --dir, /data]
    ports: ["127.0.0.1:$RP:6379"]
    volumes: ["sonic-data:/data"]
    healthcheck: { test: [CMD-SHELL, "redis-cli -p 6379 ping | grep -q PONG"], interval: 1s, timeout: 1s, retries: 5, start_period: 2s }
  logstore:
    image: arc-test/backbone:1
    user: postgres
    command: [sh, -c, "$PGCMD"]
    ports: ["127.0.0.1:$PG:5432"]
    volumes: ["logstore-data:/var/lib/postgresql/data"]
    healthcheck: { test: [CMD-SHELL, "pg_isready -h 127.0.0.1 -p 5432 -U arc"], interval: 1s, timeout: 2s, retries: 10, start_period: 10s }
volumes: { flash-data: {}, sonic-data: {}, logstore-data: {} }
YAML
arc() { "$ARC" -q --runtime docker -f "$work/overlay.yaml" "$@"; }
compose() { docker-compose -p arcbench -f "$work/docker-compose.yml" "$@" >/dev/null 2>&1; }
cleanup() { arc down --volumes >/dev/null 2>&1 || true; compose down -v || true; rm -rf "$work"; }
trap cleanup EXIT
ms() { date +%s%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) / 1e6 }'; }
compose_healthy() {
  for c in $(docker-compose -p arcbench -f "$work/docker-compose.yml" ps -q 2>/dev/null); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$c")" = healthy ] || return 1
  done
  [ "$(docker-compose -p arcbench -f "$work/docker-compose.yml" ps -q 2>/dev/null | wc -l)" -eq 3 ]
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

arc_runs=(); compose_runs=(); again_runs=(); ps_runs=()
for _ in $(seq "$RUNS"); do
  arc down --volumes >/dev/null 2>&1 || true
  s=$(ms); arc up flash sonic logstore >/dev/null; e=$(ms); arc_runs+=("$(elapsed "$s" "$e")")
  s=$(ms); arc up flash sonic logstore >/dev/null; e=$(ms); again_runs+=("$(elapsed "$s" "$e")")
  s=$(ms); arc ps >/dev/null; e=$(ms); ps_runs+=("$(elapsed "$s" "$e")")
  arc down --volumes >/dev/null

  compose down -v || true
  s=$(ms); compose up -d
  until compose_healthy; do sleep 0.05; done
  e=$(ms); compose_runs+=("$(elapsed "$s" "$e")")
  compose down -v
done
a=$(printf '%s\n' "${arc_runs[@]}" | median)
c=$(printf '%s\n' "${compose_runs[@]}" | median)
printf '%-58s %8s\n' "figure (median of $RUNS alternating runs)" "measured"
printf '%-58s %6sms\n' "arc up flash sonic logstore (nothing created -> healthy)" "$a"
printf '%-58s %6sms\n' "docker-compose up -d + poll until the same are healthy" "$c"
printf '%-58s %8s  (target <= 0.80)\n' "ratio arc/compose" "$(awk -v a="$a" -v c="$c" 'BEGIN { printf "%.2f", a / c }')"
printf '%-58s %6sms  (target <= 300ms)\n' "arc up on the healthy profile" "$(printf '%s\n' "${again_runs[@]}" | median)"
printf '%-58s %6sms  (target <= 100ms)\n' "arc ps" "$(printf '%s\n' "${ps_runs[@]}" | median)"
