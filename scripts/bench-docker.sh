#!/usr/bin/env bash
# The Docker runtime's figures: `arc up think` (flash, strange, sonic, logstore, pipeline) from
# created-nothing to all healthy, against `docker-compose up -d` plus polling until the same
# five containers are healthy (same local images, commands and health checks, the pipeline after
# its dependencies are healthy in both, same machine, alternating runs); then `arc up` on the
# healthy profile and `arc ps`. No registry is reachable here, so both run the offline overlay's
# images: arc-test/backbone:2 (scripts/test-image.sh) and the pipeline image built once, before
# the runs, from the release binary (overlays/offline.yaml).
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
. "$(dirname "$0")/ports.sh"
for v in NC NM PB PA RP PG HP; do free_port "$v"; done
PIPELINE_IMAGE=arc-pipeline:offline
TOKEN=bench-admin-token-0123456789
# The release binary is what the pipeline image runs (the offline overlay's default).
cat > "$work/ports.yaml" <<YAML
services:
  flash: { ports: [ { name: client, host: $NC }, { name: monitor, host: $NM } ] }
  strange: { ports: [ { name: broker, host: $PB }, { name: admin, host: $PA } ] }
  sonic: { ports: [ { name: client, host: $RP } ] }
  logstore: { ports: [ { name: client, host: $PG } ] }
  pipeline: { ports: [ { name: http, host: $HP } ] }
YAML
D=/var/lib/postgresql/data
PGCMD="test -s $D/PG_VERSION || { initdb -D $D -U arc --auth=trust -E UTF8 --no-instructions >/dev/null && echo 'CREATE DATABASE arc;' | postgres --single -D $D postgres >/dev/null; }; exec postgres -D $D"
READYZ='exec 3<>/dev/tcp/127.0.0.1/8090 && printf "GET /readyz HTTP/1.0\r\n\r\n" >&3 && head -n1 <&3 | grep -q " 200 "'
cat > "$work/docker-compose.yml" <<YAML
version: "2.4"
services:
  flash:
    image: arc-test/backbone:2
    user: "1000:1000"
    command: [nats-server, --jetstream, --store_dir, /data/jetstream, --http_port, "8222", --server_name, arc-flash]
    ports: ["127.0.0.1:$NC:4222", "127.0.0.1:$NM:8222"]
    volumes: ["flash-data:/data"]
    healthcheck: { test: [CMD, bash, -c, "echo > /dev/tcp/127.0.0.1/8222"], interval: 1s, timeout: 1s, retries: 5, start_period: 5s }
  strange:
    image: arc-test/backbone:2
    user: "10000"
    command: [pulsar-lite, --addr, "0.0.0.0:6650", --db-path, /pulsar/data/db]
    ports: ["127.0.0.1:$PB:6650", "127.0.0.1:$PA:8080"]
    volumes: ["strange-data:/pulsar/data"]
    healthcheck: { test: [CMD, bash, -c, "echo > /dev/tcp/127.0.0.1/6650"], interval: 1s, timeout: 3s, retries: 5, start_period: 5s }
  sonic:
    image: arc-test/backbone:2
    user: "1000:1000"
    command: [redis-server, --appendonly, "yes", --appendfsync, everysec, --maxmemory, 512mb, --maxmemory-policy, noeviction, --dir, /data]
    ports: ["127.0.0.1:$RP:6379"]
    volumes: ["sonic-data:/data"]
    healthcheck: { test: [CMD-SHELL, "redis-cli -p 6379 ping | grep -q PONG"], interval: 1s, timeout: 1s, retries: 5, start_period: 2s }
  logstore:
    image: arc-test/backbone:2
    user: postgres
    command: [sh, -c, "$PGCMD"]
    ports: ["127.0.0.1:$PG:5432"]
    volumes: ["logstore-data:/var/lib/postgresql/data"]
    healthcheck: { test: [CMD-SHELL, "pg_isready -h 127.0.0.1 -p 5432 -U arc -d arc"], interval: 1s, timeout: 2s, retries: 10, start_period: 10s }
  pipeline:
    image: $PIPELINE_IMAGE
    user: "1000:1000"
    command: [serve, --listen, "0.0.0.0:8090"]
    environment:
      ARC_NATS_URL: nats://flash:4222
      ARC_REDIS_URL: redis://sonic:6379
      ARC_DATABASE_URL: postgres://arc@logstore:5432/arc
      ARC_ADMIN_TOKEN: $TOKEN
    ports: ["127.0.0.1:$HP:8090"]
    depends_on:
      flash: { condition: service_healthy }
      sonic: { condition: service_healthy }
      logstore: { condition: service_healthy }
    healthcheck: { test: [CMD, bash, -c, '$READYZ'], interval: 1s, timeout: 1s, retries: 10, start_period: 5s }
volumes: { flash-data: {}, strange-data: {}, sonic-data: {}, logstore-data: {} }
YAML
arc() { "$ARC" -q --runtime docker -f overlays/offline.yaml -f "$work/ports.yaml" "$@"; }
compose() { docker-compose -p arcbench -f "$work/docker-compose.yml" "$@" >/dev/null 2>&1; }
cleanup() { arc down --volumes >/dev/null 2>&1 || true; compose down -v || true; rm -rf "$work"; }
trap cleanup EXIT
ms() { date +%s%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) / 1e6 }'; }
compose_healthy() {
  local ids
  ids=$(docker-compose -p arcbench -f "$work/docker-compose.yml" ps -q 2>/dev/null)
  [ "$(wc -w <<<"$ids")" -eq 5 ] || return 1
  for c in $ids; do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$c")" = healthy ] || return 1
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The pipeline image from the release binary, once (both sides run it as it is).
arc build pipeline >&2

arc_runs=(); compose_runs=(); again_runs=(); ps_runs=()
for _ in $(seq "$RUNS"); do
  arc down --volumes >/dev/null 2>&1 || true
  s=$(ms); arc up think >/dev/null; e=$(ms); arc_runs+=("$(elapsed "$s" "$e")")
  s=$(ms); arc up think >/dev/null; e=$(ms); again_runs+=("$(elapsed "$s" "$e")")
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
printf '%-66s %8s\n' "figure (median of $RUNS alternating runs)" "measured"
printf '%-66s %6sms\n' "arc up think (five services, nothing created -> all healthy)" "$a"
printf '%-66s %6sms\n' "docker-compose up -d + poll until the same five are healthy" "$c"
printf '%-66s %8s  (target <= 0.80)\n' "ratio arc/compose" "$(awk -v a="$a" -v c="$c" 'BEGIN { printf "%.2f", a / c }')"
printf '%-66s %6sms  (target <= 300ms)\n' "arc up think on the healthy profile" "$(printf '%s\n' "${again_runs[@]}" | median)"
printf '%-66s %6sms  (target <= 100ms)\n' "arc ps" "$(printf '%s\n' "${ps_runs[@]}" | median)"
printf 'runs (ms): arc %s; compose %s\n' "${arc_runs[*]}" "${compose_runs[*]}"
