#!/usr/bin/env bash
# Issue 23's scale-out figures: the design, not the machine. Each pipeline instance is capped at
# the same CPU share with the cgroup `cpu` controller (v1 `cpu.cfs_quota_us` under
# /sys/fs/cgroup/cpu, or v2 `cpu.max`; ARC_BENCH_CPU cores each, default 0.25), so an instance,
# not the two cores that wrk, Caddy, three NATS nodes and Redis share, is what runs out. On the
# `cluster` profile natively (as scripts/bench-gateway.sh), wrk (1 thread, 32 connections,
# single-message `POST /v1/messages`) alternates, RUNS times, between:
#   direct  - instance 1 asked directly;
#   gw1     - the gateway's own hop with one instance behind it: a second Caddy from the
#             generated Caddyfile with instance 1 as its only upstream;
#   gw2     - the gateway (arc's Caddy) with both instances behind it.
# It prints each run and the medians of gw2/direct (goal >= 1.7) and gw1/direct (goal >= 0.85).
# On a machine shared with other work, everything the bench starts (wrk, Caddy, NATS, Redis,
# PostgreSQL, the instances) runs in cgroups with 10 times the default CPU weight, so what other
# processes do takes the spare CPU, not the CPU the measured processes need; the instances' caps
# still hold.
# The pipelines run without their loggers and `arc:log` is emptied twice a second in their place.
# Needs root (or a delegated cgroup) to make the cgroups.
#   scripts/bench-scaleout.sh [SECONDS] [RUNS]     (default 10 s per wrk run, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
RUNS=${2:-3}
CPU=${ARC_BENCH_CPU:-0.25}
# ARC=/path/to/arc measures that binary as it is; by default the release build is made first.
if [ -z "${ARC:-}" ]; then cargo build --release --locked >&2; fi
ARC=$(realpath "${ARC:-target/release/arc}")
command -v wrk >/dev/null || { echo "bench: installing wrk (Debian)" >&2; sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo; $sudo_ apt-get install -y -qq wrk >/dev/null; }
command -v caddy >/dev/null || { echo "bench: caddy is not installed: run scripts/deps.sh" >&2; exit 1; }

# The cgroup layout: v1's cpu hierarchy, or v2's unified one with the cpu controller.
if [ -w /sys/fs/cgroup/cpu ] && [ -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
  cg_root=/sys/fs/cgroup/cpu; cg_v=1
elif [ -e /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
  cg_root=/sys/fs/cgroup; cg_v=2
else
  echo "bench: no writable cgroup cpu controller (/sys/fs/cgroup/cpu for v1, cpu in /sys/fs/cgroup/cgroup.controllers for v2); run as root" >&2
  exit 1
fi
period=100000
quota=$(awk -v c="$CPU" -v p="$period" 'BEGIN {printf "%d", c * p}')

work=$(mktemp -d)
drainer=""
caddy1=""
groups=()
cleanup() {
  echo $$ >"$cg_root/cgroup.procs" 2>/dev/null || true
  [ -n "$drainer" ] && kill "$drainer" 2>/dev/null || true
  [ -n "$caddy1" ] && kill "$caddy1" 2>/dev/null || true
  "$ARC" -q -f overlays/cluster.yaml -f "$work/ports.yaml" down --volumes >/dev/null 2>&1 || true
  for g in "${groups[@]}"; do
    while read -r p; do echo "$p" >"$cg_root/cgroup.procs" 2>/dev/null || true; done <"$g/cgroup.procs" 2>/dev/null || true
    rmdir "$g" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
# weigh GROUP: ten times the default CPU weight (v1 cpu.shares 1024, v2 cpu.weight 100).
weigh() {
  if [ "$cg_v" = 1 ]; then echo 10240 >"$1/cpu.shares"; else echo 1000 >"$1/cpu.weight"; fi
}
# This shell and so everything it starts (the services, Caddy, wrk) in the weighted group.
rest="$cg_root/arc-bench-scaleout-$$-rest"
mkdir "$rest"
groups+=("$rest")
weigh "$rest"
echo $$ >"$rest/cgroup.procs"
export ARC_STATE_DIR="$work/state" ARC_RUNTIME=process CI=true
. "$(dirname "$0")/cluster-up.sh"
free_port gw1

# Each instance (found by the port it listens on) into a cgroup of its own with the same cap.
for i in 1 2; do
  port=$((http + i - 1))
  pid=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pid" ] || { echo "bench: no process listens on instance $i's port $port" >&2; exit 1; }
  g="$cg_root/arc-bench-scaleout-$$-$i"
  mkdir "$g"
  groups+=("$g")
  weigh "$g"
  if [ "$cg_v" = 1 ]; then
    echo "$period" >"$g/cpu.cfs_period_us"
    echo "$quota" >"$g/cpu.cfs_quota_us"
  else
    echo "$quota $period" >"$g/cpu.max"
  fi
  echo "$pid" >"$g/cgroup.procs"
done

# The gateway's hop with one instance: the generated Caddyfile, instance 1 its only upstream.
caddyfile=$(find "$work/state" -name Caddyfile | head -1)
[ -n "$caddyfile" ] || { echo "bench: the gateway's Caddyfile was not found under $work/state" >&2; exit 1; }
mkdir -p "$work/gw1"
sed -e "s#^\(\s*to\) .*#\1 127.0.0.1:$http#" \
    -e "s#http://:$gw #http://:$gw1 #" \
    -e "/http:\/\/:$ping /,\$d" \
    -e "s#storage file_system .*#storage file_system $work/gw1/storage#" \
    "$caddyfile" >"$work/gw1/Caddyfile"
grep -q "to 127.0.0.1:$http$" "$work/gw1/Caddyfile" || { echo "bench: could not rewrite $caddyfile's upstreams" >&2; cat "$caddyfile" >&2; exit 1; }
caddy run --adapter caddyfile --config "$work/gw1/Caddyfile" >"$work/gw1/log" 2>&1 &
caddy1=$!

. scripts/wrk.sh
start_drainer "$redis"
write_single_lua "$work/single.lua"

direct="http://127.0.0.1:$http/v1/messages"
gw1_url="http://127.0.0.1:$gw1/v1/messages"
gw2_url="http://127.0.0.1:$gw/v1/messages"
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$gw1/readyz" && break; sleep 0.1; done
for u in "$direct" "$gw1_url" "$gw2_url"; do wrk -t1 -c32 -d2s -s "$work/single.lua" "$u" >/dev/null; done

echo "load before: $(uptime)"
echo "each instance capped at $CPU CPU (cgroup v$cg_v, quota $quota us per $period us)"
printf '%-4s %-38s %10s %8s %8s\n' "run" "target" "msg/s" "p99 ms" "/direct"
: >"$work/runs"
for r in $(seq "$RUNS"); do
  read -r d d99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$direct")
  read -r g1 g1_99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$gw1_url")
  read -r g2 g2_99 < <(run_wrk 32 "$SECS" "$work/single.lua" "$gw2_url")
  printf '%-4s %-38s %10.0f %8.2f %8s\n' "$r" "one capped instance, direct" "$d" "$d99" ""
  printf '%-4s %-38s %10.0f %8.2f %8.2f\n' "$r" "gateway, one capped instance" "$g1" "$g1_99" "$(awk -v a="$g1" -v b="$d" 'BEGIN {print a / b}')"
  printf '%-4s %-38s %10.0f %8.2f %8.2f\n' "$r" "gateway, two capped instances" "$g2" "$g2_99" "$(awk -v a="$g2" -v b="$d" 'BEGIN {print a / b}')"
  echo "$d $g1 $g2" >>"$work/runs"
done
echo "load after: $(uptime)"
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
printf 'medians of %s runs: gateway with two / direct %.2f (goal >= 1.7), gateway with one / direct %.2f (goal >= 0.85)\n' \
  "$RUNS" "$(awk '{print $3 / $1}' "$work/runs" | median)" "$(awk '{print $2 / $1}' "$work/runs" | median)"
