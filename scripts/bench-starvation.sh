#!/usr/bin/env bash
# Greedy clients beside a normal one (issue 21 part 6), on loopback, count- and time-limited:
# the pipeline (`arc serve` with its default connection and body bounds, without the logger;
# the log queue is emptied twice a second in its place, as in bench-pipeline.sh) runs beside
# NATS, Redis and PostgreSQL started natively on free ports. Each run (scripts/starve.py) times
# a normal client's POSTs alone, then again while thousands of connections sit idle or send
# their heads a byte a second and dozens hold large bodies open, and prints the loaded p99
# against the quiet one (the ratio), what the normal client was refused, and the pipeline's RSS
# (peak: VmHWM). The medians of the runs follow.
#   scripts/bench-starvation.sh [RUNS] [starve.py options…]
#   (default 3 runs; e.g. `--idle 5000` for more idle connections than --max-connections)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
shift || true
# ARC=/path/to/arc measures that binary as it is; by default the release build is made first.
if [ -z "${ARC:-}" ]; then cargo build --release --locked >&2; fi
ARC=$(realpath "${ARC:-target/release/arc}")

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
. "$(dirname "$0")/wrk.sh"
start_ingress_stack "$work" "$nats" "$monitor" "$redis" "$pg" "$http"
for _ in $(seq 200); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
pid=$(ss -Htlnp "sport = :$http" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$pid" ] || { echo "bench: no process listens on $http" >&2; exit 1; }

start_drainer "$redis"

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo "load before: $(uptime)"
: >"$work/results"
for run in $(seq "$RUNS"); do
  echo "run $run:"
  timeout 400 python3 scripts/starve.py "$url" "$pid" "$@" | tee -a "$work/results" | sed 's/^/  /'
done
echo "load after: $(uptime)"
field() { grep '^RESULT' "$work/results" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}' | median; }
printf '\nmedians of %s runs: quiet p99 %s ms, loaded p99 %s ms, loaded/quiet %s (target <= 2), normal posts refused %s, pipeline RSS loaded %s MiB, peak %s MiB (VmHWM over every run)\n' \
  "$RUNS" "$(field p99_quiet_ms)" "$(field p99_loaded_ms)" "$(field ratio)" "$(field errors)" "$(field rss_loaded_mib)" "$(field rss_peak_mib)"
