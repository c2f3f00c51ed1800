# Sourced by the bench scripts: ports for the servers they start, by the tests' rule
# (tests/support/ports.rs): below the kernel's ephemeral range (ip_local_port_range), where no
# outgoing connection can take a port between the choice and the server's bind, each claimed with
# a lock file under $TMPDIR/arc-test-ports held until the sourcing shell exits.
#   free_port VAR       sets VAR to one port
#   free_run VAR N      sets VAR to the first of N consecutive ports
# (They set a variable rather than print: in a `$(…)` subshell the claim would end with it.)
# ARC_TEST_PORTS=LOW-HIGH chooses the range by hand.

_arc_ports_dir="${TMPDIR:-/tmp}/arc-test-ports"
mkdir -p "$_arc_ports_dir"
_arc_ports_range() {
  if [ -n "${ARC_TEST_PORTS:-}" ]; then
    echo "${ARC_TEST_PORTS%-*} ${ARC_TEST_PORTS#*-}"
    return
  fi
  local low
  low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  local start=$((low - 16384))
  [ "$start" -lt 10000 ] && start=10000
  echo "$start $low"
}
read -r _arc_ports_lo _arc_ports_hi <<<"$(_arc_ports_range)"
_arc_ports_next=$((_arc_ports_lo + ($$ * 7919 + RANDOM) % (_arc_ports_hi - _arc_ports_lo)))

# The port is free when nothing listens on it (every address) and its lock is ours.
_arc_port_take() {
  local p=$1 fd
  ss -Htln "sport = :$p" 2>/dev/null | grep -q . && return 1
  exec {fd}>"$_arc_ports_dir/$p" || return 1
  if ! flock -n "$fd"; then
    exec {fd}>&-
    return 1
  fi
  return 0
}

free_run() {
  local __var=$1 n=${2:-1} tries=0 i ok
  while [ "$tries" -lt $((_arc_ports_hi - _arc_ports_lo)) ]; do
    tries=$((tries + 1))
    [ $((_arc_ports_next + n)) -gt "$_arc_ports_hi" ] && _arc_ports_next=$_arc_ports_lo
    local base=$_arc_ports_next
    _arc_ports_next=$((_arc_ports_next + n))
    ok=1
    for ((i = 0; i < n; i++)); do _arc_port_take $((base + i)) || { ok=0; break; }; done
    if [ "$ok" -eq 1 ]; then
      printf -v "$__var" '%s' "$base"
      return 0
    fi
  done
  echo "ports: no run of $n free ports in $_arc_ports_lo..$_arc_ports_hi" >&2
  return 1
}

free_port() { free_run "$1" 1; }
