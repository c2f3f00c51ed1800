# Sourced by bench-gateway.sh and bench-scaleout.sh (with $ARC and $work set, from the repo
# root): overlays/cluster.yaml brought up natively on free ports (three NATS nodes, two pipeline
# instances without their loggers, the gateway; Redis and PostgreSQL beside them). Sets nats,
# monitor, route, http (the first of each run), redis, pg, gw and ping.
. "$(dirname "$0")/ports.sh"
free_run nats 3; free_run monitor 3; free_run route 3; free_run http 2
free_port redis; free_port pg; free_port gw; free_port ping
cat > "$work/ports.yaml" <<YAML
services:
  flash:
    ports: [ { name: client, host: $nats }, { name: monitor, host: $monitor }, { name: cluster, container: $route } ]
  sonic: { ports: [ { name: client, host: $redis } ] }
  logstore: { ports: [ { name: client, host: $pg } ] }
  pipeline:
    ports: [ { name: http, host: $http } ]
    native:
      command: [arc, serve, --listen, "{host}:{port.http}", --consumer, "{service}-{port.http}", --components, "fanout,config,registry"]
  gateway:
    ports: [ { name: http, host: $gw }, { name: ping, host: $ping } ]
YAML
"$ARC" -q -f overlays/cluster.yaml -f "$work/ports.yaml" up cluster >/dev/null
