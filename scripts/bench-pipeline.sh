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
# Each figure is also measured, alternating in the same run, on the release before the server
# round trip that makes a 2xx true (issue 11's barrier; ARC_BENCH_BEFORE, default a1bd3f1): the
# script builds it once from its commit in a throwaway git worktree under /tmp with its own
# target directory (release profile) and keeps the binary there for the next run. Each run prints
# now/before, and the medians follow; `uptime` before and after says how loaded the machine was.
#   scripts/bench-pipeline.sh [SECONDS] [RUNS]     (default 15 s per wrk run, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
RUNS=${2:-3}
# ARC=/path/to/arc measures that binary as it is; by default the release build is made first.
if [ -z "${ARC:-}" ]; then cargo build --release --locked >&2; fi
ARC=$(realpath "${ARC:-target/release/arc}")

# The release before the round trip, built from its commit.
BEFORE=$(git rev-parse --verify "${ARC_BENCH_BEFORE:-a1bd3f1}^{commit}")
before_dir=/tmp/arc-bench-before-$BEFORE
before_bin=$before_dir/arc
if [ ! -x "$before_bin" ]; then
  echo "bench: building the release before the round trip ($BEFORE) in $before_dir" >&2
  mkdir -p "$before_dir"
  git worktree remove --force "$before_dir/src" >/dev/null 2>&1 || true
  git worktree add --detach "$before_dir/src" "$BEFORE" >&2
  cargo build --release --locked --manifest-path "$before_dir/src/Cargo.toml" \
    --target-dir "$before_dir/target" >&2
  cp "$before_dir/target/release/arc" "$before_bin"
  git worktree remove --force "$before_dir/src"
  rm -rf "$before_dir/target"   # about 1 GB; the binary is what is kept
fi
command -v wrk >/dev/null || { echo "bench: installing wrk (Debian)" >&2; sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo; $sudo_ apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
drainer=""
before_pid=""
cleanup() {
  [ -n "$drainer" ] && kill "$drainer" 2>/dev/null || true
  [ -n "$before_pid" ] && kill "$before_pid" 2>/dev/null || true
  "$ARC" -q -f "$work/ports.yaml" down --volumes >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export ARC_STATE_DIR="$work/state" ARC_RUNTIME=process CI=true
. "$(dirname "$0")/ports.sh"
for v in nats monitor redis pg http http_before; do free_port "$v"; done
. "$(dirname "$0")/wrk.sh"
start_ingress_stack "$work" "$nats" "$monitor" "$redis" "$pg" "$http"
before_url="http://127.0.0.1:$http_before"
ARC_NATS_URL="nats://127.0.0.1:$nats" ARC_REDIS_URL="redis://127.0.0.1:$redis" \
  ARC_DATABASE_URL="postgres://arc@127.0.0.1:$pg/arc" ARC_ADMIN_TOKEN="bench-before-admin-token-0123456789" \
  "$before_bin" serve --listen "127.0.0.1:$http_before" --components fanout,config,registry \
  >"$work/before.log" 2>&1 &
before_pid=$!
for _ in $(seq 200); do curl -fs "$before_url/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$before_url/readyz" >/dev/null || { cat "$work/before.log" >&2; echo "bench: the release before did not become ready" >&2; exit 1; }

start_drainer "$redis"
write_single_lua "$work/single.lua"
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


median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "load before: $(uptime)"
# Warm up (connections, allocator, caches) both.
wrk -t1 -c32 -d2s -s "$work/single.lua" "$before_url/v1/messages" >/dev/null
wrk -t1 -c32 -d2s -s "$work/single.lua" "$url/v1/messages" >/dev/null

printf '%-4s %-40s %12s %12s %8s\n' "run" "figure" "before" "now" "now/before"
: >"$work/single" ; : >"$work/batch"
for run in $(seq "$RUNS"); do
  read -r b_rps b_p99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$before_url/v1/messages")
  read -r n_rps n_p99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$url/v1/messages")
  read -r bb_rps _ < <(run_wrk 8 "$SECS" "$work/batch.lua" "$before_url/v1/messages")
  read -r nb_rps _ < <(run_wrk 8 "$SECS" "$work/batch.lua" "$url/v1/messages")
  echo "$n_rps $b_rps $n_p99 $b_p99" >>"$work/single"
  echo "$nb_rps $bb_rps" >>"$work/batch"
  printf '%-4s %-40s %12.0f %12.0f %8s\n' "$run" "single POST, accepted msg/s (wrk -c32)" "$b_rps" "$n_rps" "$(ratio "$n_rps" "$b_rps")"
  printf '%-4s %-40s %9.2f ms %9.2f ms\n' "$run" "single POST, p99" "$b_p99" "$n_p99"
  printf '%-4s %-40s %12.0f %12.0f %8s\n' "$run" "NDJSON batches of 1000, msg/s (wrk -c8)" "$(awk -v r="$bb_rps" 'BEGIN {print r * 1000}')" "$(awk -v r="$nb_rps" 'BEGIN {print r * 1000}')" "$(ratio "$nb_rps" "$bb_rps")"
done
single_rps=$(awk '{print $1}' "$work/single" | median)
single_p99=$(awk '{print $3}' "$work/single" | median)
single_ratio=$(awk '{print $1 / $2}' "$work/single" | median)
batch_mps=$(awk '{print $1 * 1000}' "$work/batch" | median)
batch_ratio=$(awk '{print $1 / $2}' "$work/batch" | median)
echo "load after: $(uptime)"

printf '\nmedians of %s runs:\n' "$RUNS"
printf '%-44s %14s %10s %8s\n' "figure" "measured" "target" "ratio"
printf '%-44s %14s %10s %8.2f\n' "single POST now / before the round trip" "$single_ratio" 1.0 "$single_ratio"
printf '%-44s %14.0f %10s %8.2f\n' "single POST, accepted msg/s (>= target)" "$single_rps" 25000 "$(awk -v m="$single_rps" 'BEGIN {print m / 25000}')"
printf '%-44s %12.2f ms %7s ms %8.2f\n' "single POST, p99 (<= target)" "$single_p99" 10 "$(awk -v m="$single_p99" 'BEGIN {print m / 10}')"
printf '%-44s %14s %10s %8.2f\n' "NDJSON batches now / before" "$batch_ratio" 1.0 "$batch_ratio"
printf '%-44s %14.0f %10s %8.2f\n' "NDJSON batches of 1000, msg/s (>= target)" "$batch_mps" 250000 "$(awk -v m="$batch_mps" 'BEGIN {print m / 250000}')"

ARC_PIPELINE_URL="$url" ARC_NATS_URL="nats://127.0.0.1:$nats" cargo bench --locked --bench pipeline 2>/dev/null | tail -3
