# Sourced by the bench scripts: one wrk run and its two figures, the single-message request, and
# the drainer that empties the log queue in the loggers' place (the ingress is what is measured).
#   write_single_lua FILE                       writes the wrk script that POSTs one message
#   start_drainer REDIS_PORT                    `UNLINK arc:log` twice a second; sets $drainer
#   run_wrk CONNECTIONS SECONDS LUA_SCRIPT URL   prints "Requests/sec p99_ms"; exits 1 (with wrk's
#                                                report on stderr) when any answer was not 2xx.
run_wrk() {
  local out
  out=$(wrk -t1 -c"$1" -d"$2s" --latency -s "$3" "$4")
  if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; echo "bench: some requests were refused" >&2; exit 1; fi
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v*=1000}; print v}' <<<"$out")
  echo "$rps $p99"
}

write_single_lua() {
  cat >"$1" <<'LUA'
wrk.method = "POST"
wrk.body = '{"subject":"bench.single","payload":{"agent":"a1","op":"think","n":42},"headers":{"x-agent":"a1"}}'
wrk.headers["Content-Type"] = "application/json"
LUA
}

start_drainer() {
  (while true; do redis-cli -p "$1" UNLINK arc:log >/dev/null 2>&1; sleep 0.5; done) &
  drainer=$!
}
