#!/usr/bin/env bash
# The logger's and the query API's figures (issue 6): NATS, Redis and PostgreSQL come up natively
# on free ports under a throwaway state directory, then benches/logger.rs runs against them.
#   scripts/bench-logger.sh                 (250,000 envelopes; a 10,000,000-row log for queries)
#   ARC_BENCH_N=100000 ARC_BENCH_ROWS=1000000 ARC_BENCH_RUNS=5 scripts/bench-logger.sh
# The machine's load (uptime) is printed before and after: the figures are same-run ratios, the
# absolute rates move with whatever else runs here.
set -euo pipefail
cd "$(dirname "$0")/.."
# ARC=/path/to/arc measures that binary as it is; by default the release build is made first.
if [ -z "${ARC:-}" ]; then cargo build --release --locked >&2; fi
ARC=$(realpath "${ARC:-target/release/arc}")
work=$(mktemp -d)
trap '"$ARC" -q -f "$work/ports.yaml" down --volumes >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export ARC_STATE_DIR="$work/state" ARC_RUNTIME=process CI=true
. "$(dirname "$0")/ports.sh"
for v in nats monitor redis pg; do free_port "$v"; done
cat > "$work/ports.yaml" <<YAML
services:
  flash: { ports: [ { name: client, host: $nats }, { name: monitor, host: $monitor } ] }
  sonic: { ports: [ { name: client, host: $redis } ] }
  logstore: { ports: [ { name: client, host: $pg } ] }
YAML
"$ARC" -q -f "$work/ports.yaml" up flash sonic logstore >/dev/null
echo "load before: $(uptime)"
ARC="$ARC" ARC_NATS_URL="nats://127.0.0.1:$nats" ARC_REDIS_URL="redis://127.0.0.1:$redis" \
  ARC_DATABASE_URL="postgres://arc@127.0.0.1:$pg/arc" cargo bench --locked --bench logger 2>&1 | grep -v '^\s*\(Compiling\|Finished\|Running\)'
echo "load after: $(uptime)"
