#!/usr/bin/env bash
# Issue 14's gateway figure: single-message `POST /v1/messages` throughput through the gateway
# (Caddy natively) in front of two pipeline instances, against one instance asked directly, in
# the same run on the same cluster (overlays/cluster.yaml: three NATS nodes, two `arc serve`
# instances, the gateway; Redis and PostgreSQL beside them), native processes on free ports.
# wrk (1 thread, 32 connections) alternates between the two targets RUNS times; the script
# prints each run's messages/s and p99, the medians and the ratio gateway / direct.
# The pipelines run without their loggers and `arc:log` is emptied twice a second in their place
# (as scripts/bench-pipeline.sh does): the ingress is what is measured. The subject is not
# captured by a stream (core NATS; see the README for the JetStream path).
#   scripts/bench-gateway.sh [SECONDS] [RUNS]     (default 10 s per wrk run, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
RUNS=${2:-3}
ARC=${ARC:-target/release/arc}
cargo build --release --locked >&2
command -v wrk >/dev/null || { echo "bench: installing wrk (Debian)" >&2; sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo; $sudo_ apt-get install -y -qq wrk >/dev/null; }
command -v caddy >/dev/null || { echo "bench: caddy is not installed: run scripts/deps.sh" >&2; exit 1; }

work=$(mktemp -d)
drainer=""
cleanup() {
  [ -n "$drainer" ] && kill "$drainer" 2>/dev/null || true
  "$ARC" -q -f overlays/cluster.yaml -f "$work/ports.yaml" down --volumes >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export ARC_STATE_DIR="$work/state" ARC_RUNTIME=process CI=true
. "$(dirname "$0")/cluster-up.sh"

. scripts/wrk.sh
start_drainer "$redis"
write_single_lua "$work/single.lua"


direct="http://127.0.0.1:$http"
gateway="http://127.0.0.1:$gw"
wrk -t1 -c32 -d2s -s "$work/single.lua" "$direct/v1/messages" >/dev/null
wrk -t1 -c32 -d2s -s "$work/single.lua" "$gateway/v1/messages" >/dev/null
printf '%-6s %-34s %12s %10s\n' "run" "target" "msg/s" "p99 ms"
d_all=(); g_all=()
for r in $(seq 1 "$RUNS"); do
  read -r d_rps d_p99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$direct/v1/messages")
  printf '%-6s %-34s %12.0f %10.2f\n' "$r" "one instance, direct" "$d_rps" "$d_p99"
  read -r g_rps g_p99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$gateway/v1/messages")
  printf '%-6s %-34s %12.0f %10.2f\n' "$r" "gateway, two instances" "$g_rps" "$g_p99"
  d_all+=("$d_rps"); g_all+=("$g_rps")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
d_med=$(median "${d_all[@]}"); g_med=$(median "${g_all[@]}")
printf 'median of %s runs: direct %.0f msg/s, gateway %.0f msg/s, ratio gateway/direct %.2f\n' \
  "$RUNS" "$d_med" "$g_med" "$(awk -v g="$g_med" -v d="$d_med" 'BEGIN {print g / d}')"
