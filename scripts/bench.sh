#!/usr/bin/env bash
# Measures arc's lifecycle figures against the targets of the foundation issue and prints them
# with the ratio measured/target (below 1.00 meets the target). Uses free ports and a throwaway
# state directory, so it never touches a running stack.
#   scripts/bench.sh [RUNS]     (default 5 runs per figure; the median is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
ARC=${ARC:-target/release/arc}
[ -x "$ARC" ] || cargo build --release --locked >&2

work=$(mktemp -d)
trap '"$ARC" -f "$work/ports.yaml" down --volumes >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# Native processes unless asked otherwise (auto would pick Docker wherever an engine answers).
export ARC_STATE_DIR="$work/state" CI=true ARC_RUNTIME=${ARC_RUNTIME:-process}
. "$(dirname "$0")/ports.sh"
for v in p_nats p_monitor p_broker p_admin p_redis p_pg p_http; do free_port "$v"; done
cat > "$work/ports.yaml" <<YAML
services:
  flash: { ports: [ { name: client, host: $p_nats }, { name: monitor, host: $p_monitor } ] }
  strange: { ports: [ { name: broker, host: $p_broker }, { name: admin, host: $p_admin } ] }
  sonic: { ports: [ { name: client, host: $p_redis } ] }
  logstore: { ports: [ { name: client, host: $p_pg } ] }
  pipeline: { ports: [ { name: http, host: $p_http } ] }
YAML
arc() { "$ARC" -q -f "$work/ports.yaml" "$@" >/dev/null; }
# Runs "$@" (output discarded) and prints its wall time in ms.
# A failed command stops the script (a timing of a failure is no figure).
time_ms() {
  local s e; s=$(date +%s%N)
  "$@" >/dev/null || { echo "bench: \`$*\` failed" >&2; kill -TERM $$; exit 1; }
  e=$(date +%s%N); awk -v d=$((e - s)) 'BEGIN { printf "%.1f", d / 1e6 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A got
cold=(); warm=(); again=(); health=(); version=()
for _ in $(seq "$RUNS"); do
  arc down --volumes
  cold+=("$(time_ms arc up think)")
  again+=("$(time_ms arc up think)")
  health+=("$(time_ms arc health)")
  arc down
  warm+=("$(time_ms arc up think)")
  version+=("$(time_ms "$ARC" --version)")
done
got[cold]=$(printf '%s\n' "${cold[@]}" | median)
got[warm]=$(printf '%s\n' "${warm[@]}" | median)
got[again]=$(printf '%s\n' "${again[@]}" | median)
got[health]=$(printf '%s\n' "${health[@]}" | median)
got[version]=$(printf '%s\n' "${version[@]}" | median)

printf '%-46s %10s %10s %7s\n' "figure (median of $RUNS)" "measured" "target" "ratio"
row() { printf '%-46s %8sms %8sms %7s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')"; }
row "arc up think, first run (initdb included)" "${got[cold]}" 6000
row "arc up think, data dirs present" "${got[warm]}" 2000
row "arc up think again while running" "${got[again]}" 300
row "arc health (5 services)" "${got[health]}" 100
row "arc --version" "${got[version]}" 10
