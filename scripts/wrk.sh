# Sourced by the bench scripts: one wrk run and its two figures, the single-message request, and
# the drainer that empties the log queue in the loggers' place (the ingress is what is measured).
#   start_ingress_stack DIR NATS MONITOR REDIS PG HTTP
#                                               `arc up pipeline` (ingress only: fanout, config,
#                                               registry) on those ports, its overlay in DIR/ports.yaml;
#                                               sets $url
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

start_ingress_stack() {
  cat > "$1/ports.yaml" <<YAML
services:
  flash: { ports: [ { name: client, host: $2 }, { name: monitor, host: $3 } ] }
  sonic: { ports: [ { name: client, host: $4 } ] }
  logstore: { ports: [ { name: client, host: $5 } ] }
  pipeline:
    ports: [ { name: http, host: $6 } ]
    native:
      command: [arc, serve, --listen, "{host}:{port.http}", --components, "fanout,config,registry"]
YAML
  "$ARC" -q -f "$1/ports.yaml" up pipeline >/dev/null
  url="http://127.0.0.1:$6"
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
