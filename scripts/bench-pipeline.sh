#!/usr/bin/env bash
# Measures the pipeline's figures (issue 5) on this machine, with NATS, Redis and PostgreSQL
# running beside it as native processes on free ports, and prints each with its ratio to the
# target:
#   - single-message POST /v1/messages (wrk, 1 thread, 32 connections): messages/s and p99;
#   - NDJSON batches of 1,000 (wrk, 1 thread, 8 connections): messages/s;
#   - ingress -> NATS subscriber latency at 5,000 msg/s (benches/pipeline.rs): p50 and p99.
# The ingress is measured on its own: the pipeline runs without its logger component
# (scripts/bench-logger.sh measures that), and this script empties the log queue
# (`UNLINK arc:log`) twice a second in its place, so the queue's bound and Redis's 512mb are not
# what is measured.
#   scripts/bench-pipeline.sh [SECONDS]     (default 15 s per wrk run)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
ARC=${ARC:-target/release/arc}
cargo build --release --locked >&2
command -v wrk >/dev/null || { echo "bench: installing wrk (Debian)" >&2; sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo; $sudo_ apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
drainer=""
cleanup() {
  [ -n "$drainer" ] && kill "$drainer" 2>/dev/null || true
  "$ARC" -q -f "$work/ports.yaml" down --volumes >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export ARC_STATE_DIR="$work/state" ARC_RUNTIME=process CI=true
. "$(dirname "$0")/ports.sh"
for v in nats monitor redis pg http; do free_port "$v"; done
cat > "$work/ports.yaml" <<YAML
services:
  flash: { ports: [ { name: client, host: $nats }, { name: monitor, host: $monitor } ] }
  sonic: { ports: [ { name: client, host: $redis } ] }
  logstore: { ports: [ { name: client, host: $pg } ] }
  pipeline:
    ports: [ { name: http, host: $http } ]
    native:
      command: [arc, serve, --listen, "{host}:{port.http}", --components, "fanout,config,registry"]
YAML
"$ARC" -q -f "$work/ports.yaml" up pipeline >/dev/null
url="http://127.0.0.1:$http"

(while true; do redis-cli -p "$redis" UNLINK arc:log >/dev/null 2>&1; sleep 0.5; done) &
drainer=$!

cat > "$work/single.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"subject":"bench.single","payload":{"agent":"a1","op":"think","n":42},"headers":{"x-agent":"a1"}}'
wrk.headers["Content-Type"] = "application/json"
LUA
python3 - "$work/batch.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(1000):
        f.write(json.dumps({"subject": "bench.batch", "payload": {"agent": "a1", "op": "think", "n": i},
                            "headers": {"x-agent": "a1"}}) + "\n")
PY
cat > "$work/batch.lua" <<LUA
wrk.method = "POST"
local f = io.open("$work/batch.ndjson", "rb")
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "application/x-ndjson"
LUA

# run_wrk CONNECTIONS SECONDS SCRIPT URL: "Requests/sec p99_ms"; fails on any non-2xx answer.
. scripts/wrk.sh

# Warm up (connections, allocator, JIT-free but caches).
wrk -t1 -c32 -d2s -s "$work/single.lua" "$url/v1/messages" >/dev/null
read -r single_rps single_p99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$url/v1/messages")
read -r batch_rps _ < <(run_wrk 8 "$SECS" "$work/batch.lua" "$url/v1/messages")
batch_mps=$(awk -v r="$batch_rps" 'BEGIN {printf "%.0f", r * 1000}')

printf '%-44s %14s %10s %8s\n' "figure" "measured" "target" "ratio"
printf '%-44s %14.0f %10s %8.2f\n' "single POST, accepted msg/s (>= target)" "$single_rps" 25000 "$(awk -v m="$single_rps" 'BEGIN {print m / 25000}')"
printf '%-44s %12.2f ms %7s ms %8.2f\n' "single POST, p99 (<= target)" "$single_p99" 10 "$(awk -v m="$single_p99" 'BEGIN {print m / 10}')"
printf '%-44s %14s %10s %8.2f\n' "NDJSON batches of 1000, msg/s (>= target)" "$batch_mps" 250000 "$(awk -v m="$batch_mps" 'BEGIN {print m / 250000}')"

ARC_PIPELINE_URL="$url" ARC_NATS_URL="nats://127.0.0.1:$nats" cargo bench --locked --bench pipeline 2>/dev/null | tail -3
