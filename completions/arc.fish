# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_arc_global_optspecs
    string join \n project-dir= f/file= runtime= json color= q/quiet v/verbose h/help V/version
end

function __fish_arc_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_arc_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_arc_using_subcommand
    set -l cmd (__fish_arc_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c arc -n "__fish_arc_needs_command" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_needs_command" -s f -l file -d 'An overlay merged over the stock files (repeatable; later files win). Give it before the command, as with docker compose: `-f` after `arc logs` means follow' -r -F
complete -c arc -n "__fish_arc_needs_command" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_needs_command" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_needs_command" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_needs_command" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_needs_command" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_needs_command" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_needs_command" -f -a "up" -d 'Bring a profile or services up, in dependency order, and wait until healthy'
complete -c arc -n "__fish_arc_needs_command" -f -a "down" -d 'Stop services, in reverse dependency order'
complete -c arc -n "__fish_arc_needs_command" -f -a "ps" -d 'List services with state, pid, ports, uptime and health'
complete -c arc -n "__fish_arc_needs_command" -f -a "health" -d 'Probe running services over their own protocols; exit 1 if any is unhealthy'
complete -c arc -n "__fish_arc_needs_command" -f -a "logs" -d 'Show service logs, prefixed by service'
complete -c arc -n "__fish_arc_needs_command" -f -a "env" -d 'Print the running services\' endpoints as ARC_*_URL variables'
complete -c arc -n "__fish_arc_needs_command" -f -a "services" -d 'List the declared services'
complete -c arc -n "__fish_arc_needs_command" -f -a "profiles" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_needs_command" -f -a "config" -d 'Check the declarative files; read and change the pipeline\'s configuration'
complete -c arc -n "__fish_arc_needs_command" -f -a "compose" -d 'Docker Compose files generated from service.yaml, for running a service without arc'
complete -c arc -n "__fish_arc_needs_command" -f -a "new" -d 'Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml, docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and in the image workflow'
complete -c arc -n "__fish_arc_needs_command" -f -a "serve" -d 'Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the config store and the backbone registry'
complete -c arc -n "__fish_arc_needs_command" -f -a "backbones" -d 'The backbone registry: where messages for an org are routed; backbones deployed into Kubernetes with Helm'
complete -c arc -n "__fish_arc_needs_command" -f -a "build" -d 'Build the thin images of services that declare `build:` (through the Docker engine)'
complete -c arc -n "__fish_arc_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c arc -n "__fish_arc_needs_command" -f -a "pub" -d 'Publish messages to a NATS subject or a Pulsar topic'
complete -c arc -n "__fish_arc_needs_command" -f -a "sub" -d 'Subscribe and print messages (JSON Lines with --json)'
complete -c arc -n "__fish_arc_needs_command" -f -a "request" -d 'Send a request and print the reply; exit 1 on no responders or timeout'
complete -c arc -n "__fish_arc_needs_command" -f -a "reply" -d 'Answer requests with a fixed body or a command\'s output'
complete -c arc -n "__fish_arc_needs_command" -f -a "streams" -d 'Declare and inspect JetStream streams (and Pulsar topics)'
complete -c arc -n "__fish_arc_needs_command" -f -a "replay" -d 'Replay a stream, a topic or the message log (--log) from a point in time; exits at the end unless --follow'
complete -c arc -n "__fish_arc_needs_command" -f -a "tail" -d 'A live feed of every message matching a pattern, one line each'
complete -c arc -n "__fish_arc_needs_command" -f -a "messages" -d 'The message log: every accepted message, as the pipeline\'s logger wrote it'
complete -c arc -n "__fish_arc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand up" -l timeout -d 'The longest to wait for all services to become healthy (e.g. `90s`)' -r
complete -c arc -n "__fish_arc_using_subcommand up" -l progress -d 'How to show progress (image pulls, starts): live bars on a terminal, plain lines, JSON lines on stderr, or nothing' -r -f -a "auto\t'Live bars on a terminal, plain lines otherwise'
plain\t'One line per event'
json\t'One JSON object per event, on stderr'
quiet\t'Nothing'"
complete -c arc -n "__fish_arc_using_subcommand up" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand up" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand up" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand up" -l no-wait -d 'Start the services and return without waiting for health'
complete -c arc -n "__fish_arc_using_subcommand up" -l keep -d 'On failure, leave what started running, for debugging'
complete -c arc -n "__fish_arc_using_subcommand up" -l build -d 'Build the images of services that declare `build:` first, even those already built (docker runtime; a missing one is built without it, as docker compose does)'
complete -c arc -n "__fish_arc_using_subcommand up" -l no-build -d 'Never build: fail when a service\'s image that declares `build:` is not built yet'
complete -c arc -n "__fish_arc_using_subcommand up" -l no-block -d 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish'
complete -c arc -n "__fish_arc_using_subcommand up" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand up" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand up" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand up" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand down" -l timeout -d 'How long a service may take to stop before it is killed' -r
complete -c arc -n "__fish_arc_using_subcommand down" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand down" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand down" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand down" -l volumes -d 'Also delete the services\' data (the volumes or data directories)'
complete -c arc -n "__fish_arc_using_subcommand down" -l cascade -d 'Also stop the running services that depend on the named ones (without it, arc warns and leaves them running)'
complete -c arc -n "__fish_arc_using_subcommand down" -l no-block -d 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish'
complete -c arc -n "__fish_arc_using_subcommand down" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand down" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand down" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand down" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand down" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand ps" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand ps" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand ps" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand ps" -s a -l all -d 'Show every declared service, running or not'
complete -c arc -n "__fish_arc_using_subcommand ps" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand ps" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand ps" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand ps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand ps" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand health" -l wait -d 'Keep probing until all are healthy or this much time has passed (e.g. `30s`)' -r
complete -c arc -n "__fish_arc_using_subcommand health" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand health" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand health" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand health" -l deep -d 'Add a functional round trip per service and report each step\'s latency'
complete -c arc -n "__fish_arc_using_subcommand health" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand health" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand health" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand health" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand logs" -l since -d 'Only lines written since TIME: a duration ago (`10m`), an RFC 3339 time, or unix seconds or milliseconds (as `arc replay --since`)' -r
complete -c arc -n "__fish_arc_using_subcommand logs" -s n -l tail -d 'Only the last N lines of each service' -r
complete -c arc -n "__fish_arc_using_subcommand logs" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand logs" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand logs" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand logs" -s f -l follow -d 'Keep printing new lines as they are written'
complete -c arc -n "__fish_arc_using_subcommand logs" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand logs" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand logs" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand logs" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand env" -l format -d 'Output format (`--json` is the same as `--format json`)' -r -f -a "env\t'`KEY=value` lines for `eval` or an env file'
json\t'One JSON object'"
complete -c arc -n "__fish_arc_using_subcommand env" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand env" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand env" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand env" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand env" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand env" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand env" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -f -a "ls" -d 'List the declared services'
complete -c arc -n "__fish_arc_using_subcommand services; and not __fish_seen_subcommand_from ls help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the declared services'
complete -c arc -n "__fish_arc_using_subcommand services; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -f -a "ls" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_using_subcommand profiles; and not __fish_seen_subcommand_from ls help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -f -a "validate" -d 'Load and check every file, overlays included; report every problem found'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -f -a "get" -d 'Print a stored pipeline config document (global, topic NAME, or topics)'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -f -a "set" -d 'Store a pipeline config document; every running pipeline applies it within a second'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -f -a "rm" -d 'Delete a pipeline config document'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate get set rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l from -d 'The document, YAML or JSON (`-`: standard input)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l if-match -d 'Replace only if the stored version is still this ETag (from `arc config get`); without it, arc replaces whatever version it reads just before writing' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Load and check every file, overlays included; report every problem found'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a stored pipeline config document (global, topic NAME, or topics)'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a pipeline config document; every running pipeline applies it within a second'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete a pipeline config document'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -f -a "export" -d 'Print (or write, or check) each service\'s `docker-compose.yml`'
complete -c arc -n "__fish_arc_using_subcommand compose; and not __fish_seen_subcommand_from export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -l write -d 'Write `services/<dir>/docker-compose.yml` in the project instead of printing'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -l check -d 'Exit 1 if a committed `docker-compose.yml` differs from what would be written'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print (or write, or check) each service\'s `docker-compose.yml`'
complete -c arc -n "__fish_arc_using_subcommand compose; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -f -a "service" -d 'A new service in the platform\'s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was'
complete -c arc -n "__fish_arc_using_subcommand new; and not __fish_seen_subcommand_from service help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l codename -d 'The platform codename; commands accept it as the name, and it names the make targets (`CODENAME-up`, …) and their file' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l description -d 'One line on what the service is (default: `NAME on IMAGE`)' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l image -d 'The upstream image the thin Dockerfile builds on' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l port -d 'A port, NAME:CONTAINER[:HOST] (repeatable; at least one). HOST (default: CONTAINER) is published on 127.0.0.1 and is where the native process listens; the first port is the health probe\'s' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l health -d 'How arc checks it is healthy, on the first port: http:PATH, tcp, nats, redis, postgres or pulsar' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l depends-on -d 'A service (name or codename) that must be healthy first (repeatable)' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l profile -d 'A profile the service joins (repeatable)' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l native-command -d 'The command the process runtime runs, as one shell-quoted string; placeholders: {port.NAME}, {host}, {data}, {service}, {env.NAME}' -r
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l dry-run -d 'Print what would be written (new files whole, changed lines of the others), write nothing'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from service" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from help" -f -a "service" -d 'A new service in the platform\'s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was'
complete -c arc -n "__fish_arc_using_subcommand new; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand serve" -l listen -d 'Where the HTTP API listens (ingress, admin, health, metrics)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l components -d 'The components to run: fanout (HTTP, WebSocket, Redis and NATS ingress with the constraint checker), config (the config store\'s API), registry (the backbone registry), logger (log queue into PostgreSQL), query (query API, live feed, the page at `/`)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l log-batch -d 'The logger writes a batch when it holds this many messages...' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l log-batch-bytes -d '...or this many bytes...' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l log-batch-wait -d '...or its first message has waited this long' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l log-writers -d 'The logger writes this many batches side by side, each on a PostgreSQL connection of its own (PostgreSQL takes more rows a second over more than one connection)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l retention-days -d 'Drop logged messages older than this many days (default: keep everything)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l feed-buffer -d 'A live-feed client (`/v1/feed`, `arc tail --log`) is closed with the reason once it falls this many messages behind the log' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l ack-deadline -d 'How long a request waits for JetStream to say whether it stored a message, asking again with the same `Nats-Msg-Id` every second while no acknowledgement comes; past it the answer is 504 `outcome_unknown` (retry with the same id: it is stored once)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l hold-limit -d 'How long a Redis ingress entry may be held back by transient failures (a stream without a leader, a full stream, a rate limit; retried with backoff) before it is set aside on `arc:ingest:rejected` with reason `held_too_long`. Time the pipeline\'s NATS connection was down does not count' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l id-memory -d 'How long a producer\'s `id` stays bound to what it names (sender, subject, headers, payload) after its last use: within it, the same id with other content is refused (409) and a retry with the same content is stored once. About 150 bytes of Redis per id' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l header-timeout -d 'A connection that has not sent a complete request head within this long of opening, or of its previous answer, is closed: this bounds both how long a keep-alive connection may sit idle and how slowly a head may arrive' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l body-timeout -d 'A request\'s body must have arrived whole within this long of its head (else 408 and the connection is closed)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l max-connections -d 'At most this many connections are open at once, WebSockets included, and never more than the descriptor limit leaves room for (its soft value is raised to the hard one at start). A connection over the bound closes the one that has waited longest without a request; when every one is busy, the newcomer gets 503 with Retry-After' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l body-budget -d 'The bytes of request bodies and WebSocket messages held at once, across all clients; past it a request gets 503 with Retry-After. Bodies over 1 MiB together take at most three quarters of it, so held large bodies leave room for ordinary messages' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l nats-url -d 'Flash\'s URL (default: the project\'s `messaging` service)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l redis-url -d 'Sonic\'s URL (default: the project\'s `cache` service)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l database-url -d 'The log store\'s URL (default: the project\'s `logstore` service)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l admin-token -d 'The token the admin API (config, registry) requires; at least 16 characters' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l consumer -d 'This instance\'s name for its Redis processing lists; kept stable across restarts, the instance runs them again at once when it starts (default: host name and port). Nothing depends on it: the lists of a consumer whose lease lapsed are claimed by a live instance' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l lease-ttl -d 'How long a consumer\'s lease lasts without a heartbeat (renewed every fifth of it): after a crash, its processing lists are claimed by another instance within about this long' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l system-id -d 'The local backbone\'s system id in the registry' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l org-id -d 'The local backbone\'s org id in the registry' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l cluster-id -d 'The local backbone\'s cluster id in the registry' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l public-nats-url -d 'The NATS URL other systems reach this backbone at (default: --nats-url)' -r
complete -c arc -n "__fish_arc_using_subcommand serve" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand serve" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand serve" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand serve" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand serve" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand serve" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand serve" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "ls" -d 'List the registered backbones'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "show" -d 'Show one backbone'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "add" -d 'Register a backbone'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "rm" -d 'Remove a backbone from the registry'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "deploy" -d 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "values" -d 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "remove" -d 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "status" -d 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer'
complete -c arc -n "__fish_arc_using_subcommand backbones; and not __fish_seen_subcommand_from ls show add rm deploy values remove status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l org -d 'The organisation whose messages it carries (messages with header `org: ORG`)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l cluster -d 'The cluster it runs in' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l nats-url -d 'Its public NATS URL' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l region -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l backbone-version -d 'The backbone\'s version' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l status -d 'active, draining, down, … (anything but down, inactive, draining or decommissioned takes traffic)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l org -d 'The organisation whose messages it carries (messages with header `org: ORG`)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l cluster -d 'The cluster it runs in (the registry\'s cluster id)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l kube-context -d 'The Kubernetes context to deploy with (default: the kubeconfig\'s current context)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l namespace -d 'The namespace of the release (created when missing)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l replicas -d 'NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l values -d 'A values file (YAML) merged over arc\'s standardized values, the way Helm merges them' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l expose -d 'How clients outside the cluster reach it' -r -f -a "loadbalancer\t'A LoadBalancer Service on the client port (nats:// or tls:// URL)'
nodeport\t'A NodePort Service; the public URL names the node port (30000-32767)'
ingress\t'An Ingress carrying NATS over WebSocket (ws:// or wss:// URL)'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l public-url -d 'The URL clients reach it at (recorded in the registry): the load balancer\'s DNS name, a node\'s address with the node port, or the ingress host' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l region -d 'The region recorded in the registry' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l timeout -d 'How long the rollout, and then the public URL, may take each' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l dry-run -d 'Print the plan (release, chart, values, Helm command, registry record) and change nothing'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from deploy" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l org -d 'The organisation whose messages it carries (messages with header `org: ORG`)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l cluster -d 'The cluster it runs in (the registry\'s cluster id)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l kube-context -d 'The Kubernetes context to deploy with (default: the kubeconfig\'s current context)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l namespace -d 'The namespace of the release (created when missing)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l replicas -d 'NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l values -d 'A values file (YAML) merged over arc\'s standardized values, the way Helm merges them' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l expose -d 'How clients outside the cluster reach it' -r -f -a "loadbalancer\t'A LoadBalancer Service on the client port (nats:// or tls:// URL)'
nodeport\t'A NodePort Service; the public URL names the node port (30000-32767)'
ingress\t'An Ingress carrying NATS over WebSocket (ws:// or wss:// URL)'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l public-url -d 'The URL clients reach it at (recorded in the registry): the load balancer\'s DNS name, a node\'s address with the node port, or the ingress host' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l region -d 'The region recorded in the registry' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l timeout -d 'How long the rollout, and then the public URL, may take each' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l dry-run -d 'Print the plan (release, chart, values, Helm command, registry record) and change nothing'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from values" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l kube-context -d 'The Kubernetes context, for a backbone the registry does not know (default: the one recorded at deploy)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l namespace -d 'The namespace, for a backbone the registry does not know (default: the recorded one)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l timeout -d 'How long the uninstall may take' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l keep-data -d 'Keep the JetStream volumes (PersistentVolumeClaims) for a later deploy'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the registered backbones'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one backbone'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register a backbone'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a backbone from the registry'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "deploy" -d 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "values" -d 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "status" -d 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer'
complete -c arc -n "__fish_arc_using_subcommand backbones; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand build" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand build" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand build" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand build" -l no-block -d 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish'
complete -c arc -n "__fish_arc_using_subcommand build" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand build" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand build" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand build" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand completions" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand completions" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand completions" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand completions" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand completions" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand completions" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand completions" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand pub" -s H -l header -d 'A header `key:value` (repeatable; NATS headers or Pulsar properties)' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l count -d 'Publish N messages' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l size -d 'A random body of this size (for load): bytes, or `4KiB`, `2MiB`, `1MB`' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l reply-to -d 'Reply subject to send with the message' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l compression -d 'Compress each Pulsar message with this codec (every official client reads them all)' -r -f -a "lz4\t'LZ4 (fast; Pulsar\'s most common choice)'
zlib\t'zlib'
zstd\t'Zstandard (best ratio)'
snappy\t'Snappy'"
complete -c arc -n "__fish_arc_using_subcommand pub" -l key -d 'The Pulsar message key: Key_Shared subscriptions dispatch by it, and on a partitioned topic it picks the partition (the same key, the same partition)' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l event-time -d 'The Pulsar message\'s event time: a duration ago (`90s`), an RFC 3339 time, or unix seconds or milliseconds (as `arc replay --since`)' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand pub" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand pub" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand pub" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand pub" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand pub" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand pub" -l stdin -d 'Read messages from stdin, one per line'
complete -c arc -n "__fish_arc_using_subcommand pub" -l jetstream -d 'Publish through JetStream and wait for each acknowledgement (`Nats-Msg-Id` set)'
complete -c arc -n "__fish_arc_using_subcommand pub" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand pub" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand pub" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand pub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand pub" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand sub" -l queue -d 'Join a queue group: each message goes to one member' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l count -d 'Exit after N messages' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l subscription -d 'Pulsar subscription name' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l position -d 'Pulsar initial position' -r -f -a "earliest\t'The oldest message kept'
latest\t'Only new messages'"
complete -c arc -n "__fish_arc_using_subcommand sub" -l type -d 'Pulsar subscription type' -r -f -a "exclusive\t'One consumer'
shared\t'Round robin across consumers'
failover\t'One active consumer, others on standby'
key-shared\t'By message key'"
complete -c arc -n "__fish_arc_using_subcommand sub" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand sub" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand sub" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand sub" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand sub" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand sub" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand sub" -l raw -d 'Print only the payload'
complete -c arc -n "__fish_arc_using_subcommand sub" -l headers -d 'Print headers'
complete -c arc -n "__fish_arc_using_subcommand sub" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand sub" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand sub" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand sub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand sub" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand request" -s H -l header -d 'A header `key:value` (repeatable)' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l timeout -d 'How long to wait for the reply' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand request" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand request" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand request" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand request" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand request" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand request" -l raw -d 'Print only the payload'
complete -c arc -n "__fish_arc_using_subcommand request" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand request" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand request" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand request" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand request" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand reply" -l queue -d 'Queue group, so several repliers share the requests' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l command -d 'Run CMD (with `sh -c`) per request, the request on stdin; reply with its stdout' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l count -d 'Exit after N requests' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand reply" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand reply" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand reply" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand reply" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand reply" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand reply" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand reply" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand reply" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand reply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand reply" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -f -a "apply" -d 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -f -a "ls" -d 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -f -a "info" -d 'Show one stream\'s configuration and state, or a Pulsar topic\'s partitions'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -f -a "rm" -d 'Delete a stream and its messages'
complete -c arc -n "__fish_arc_using_subcommand streams; and not __fish_seen_subcommand_from apply ls info rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l topics -d 'The Pulsar topics file; default: `services/streaming/topics.yaml`' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l replicas -d 'Every stream\'s replicas (1 to 5), whatever the file says. Default: the file\'s, except when Flash is declared with replicas: then as many as it has instances, up to 5' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l dry-run -d 'Show what would change without changing it'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l no-topics -d 'Only JetStream streams, not Pulsar topics'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from help" -f -a "info" -d 'Show one stream\'s configuration and state, or a Pulsar topic\'s partitions'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete a stream and its messages'
complete -c arc -n "__fish_arc_using_subcommand streams; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand replay" -l since -d 'From: a duration ago (`90s`, `1h`), an RFC 3339 time, or unix seconds or milliseconds' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l until -d 'Until (same forms); default: the end of what exists' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l subject -d 'Only subjects matching this pattern (JetStream, and the message log)' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l to -d 'Re-publish each message to this live subject' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l pipeline-url -d 'The pipeline\'s URL, for --log (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l admin-token -d 'The admin token, for --log (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand replay" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand replay" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand replay" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand replay" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand replay" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand replay" -l follow -d 'Keep going after the end, printing new messages as they arrive'
complete -c arc -n "__fish_arc_using_subcommand replay" -l raw -d 'Print only the payload'
complete -c arc -n "__fish_arc_using_subcommand replay" -l log -d 'Page through the message log (every accepted message, from the pipeline\'s query API) instead of a stream; prints envelopes'
complete -c arc -n "__fish_arc_using_subcommand replay" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand replay" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand replay" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand replay" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand tail" -l count -d 'Exit after N messages' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l pipeline-url -d 'The pipeline\'s URL, for --log (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l admin-token -d 'The admin token, for --log (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l server -d 'NATS server URL' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l token -d 'NATS token' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l user -d 'NATS user name' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l password -d 'NATS password' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l creds -d 'NATS credentials file (JWT + NKey seed)' -r -F
complete -c arc -n "__fish_arc_using_subcommand tail" -l pulsar-url -d 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l pulsar-token -d 'Pulsar token' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l pulsar-tls-ca -d 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system\'s roots)' -r -F
complete -c arc -n "__fish_arc_using_subcommand tail" -l pulsar-keepalive -d 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l pulsar-admin-url -d 'Pulsar admin REST API URL (for `arc streams apply`)' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l connect-timeout -d 'How long to wait for a connection' -r
complete -c arc -n "__fish_arc_using_subcommand tail" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand tail" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand tail" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand tail" -l system -d 'Also show `$`-prefixed (server) and `_INBOX` subjects'
complete -c arc -n "__fish_arc_using_subcommand tail" -l log -d 'Follow the message log\'s live feed (each message as the logger writes it, from the pipeline\'s WebSocket `/v1/feed`) instead of NATS; exit 1 if the pipeline drops it'
complete -c arc -n "__fish_arc_using_subcommand tail" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand tail" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand tail" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand tail" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -f -a "get" -d 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -f -a "dead" -d 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it'
complete -c arc -n "__fish_arc_using_subcommand messages; and not __fish_seen_subcommand_from get dead help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l place -d 'Only this place: `ingest` (arc:ingest:rejected) or `log` (arc:log:dead)' -r -f -a "ingest\t''
log\t''"
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l limit -d 'At most this many letters a place' -r
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l pipeline-url -d 'The pipeline\'s URL (default: the project\'s `pipeline` service)' -r
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l admin-token -d 'The admin token (default: the one `arc up` generated for this project)' -r
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -f -a "retry" -d 'Put a letter back where it came from (or, with --all, every letter of --place)'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -f -a "drop" -d 'Delete a letter (or, with --all, every letter of --place)'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from dead" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from help" -f -a "dead" -d 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it'
complete -c arc -n "__fish_arc_using_subcommand messages; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "up" -d 'Bring a profile or services up, in dependency order, and wait until healthy'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "down" -d 'Stop services, in reverse dependency order'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "ps" -d 'List services with state, pid, ports, uptime and health'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "health" -d 'Probe running services over their own protocols; exit 1 if any is unhealthy'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "logs" -d 'Show service logs, prefixed by service'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "env" -d 'Print the running services\' endpoints as ARC_*_URL variables'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "services" -d 'List the declared services'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "profiles" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "config" -d 'Check the declarative files; read and change the pipeline\'s configuration'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "compose" -d 'Docker Compose files generated from service.yaml, for running a service without arc'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "new" -d 'Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml, docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and in the image workflow'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "serve" -d 'Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the config store and the backbone registry'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "backbones" -d 'The backbone registry: where messages for an org are routed; backbones deployed into Kubernetes with Helm'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "build" -d 'Build the thin images of services that declare `build:` (through the Docker engine)'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "completions" -d 'Print a shell completion script'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "pub" -d 'Publish messages to a NATS subject or a Pulsar topic'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "sub" -d 'Subscribe and print messages (JSON Lines with --json)'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "request" -d 'Send a request and print the reply; exit 1 on no responders or timeout'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "reply" -d 'Answer requests with a fixed body or a command\'s output'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "streams" -d 'Declare and inspect JetStream streams (and Pulsar topics)'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "replay" -d 'Replay a stream, a topic or the message log (--log) from a point in time; exits at the end unless --follow'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "tail" -d 'A live feed of every message matching a pattern, one line each'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "messages" -d 'The message log: every accepted message, as the pipeline\'s logger wrote it'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config compose new serve backbones build completions pub sub request reply streams replay tail messages help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from services" -f -a "ls" -d 'List the declared services'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "ls" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Load and check every file, overlays included; report every problem found'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print a stored pipeline config document (global, topic NAME, or topics)'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Store a pipeline config document; every running pipeline applies it within a second'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "rm" -d 'Delete a pipeline config document'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from compose" -f -a "export" -d 'Print (or write, or check) each service\'s `docker-compose.yml`'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from new" -f -a "service" -d 'A new service in the platform\'s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "ls" -d 'List the registered backbones'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "show" -d 'Show one backbone'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "add" -d 'Register a backbone'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "rm" -d 'Remove a backbone from the registry'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "deploy" -d 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "values" -d 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "remove" -d 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from backbones" -f -a "status" -d 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from streams" -f -a "apply" -d 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from streams" -f -a "ls" -d 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from streams" -f -a "info" -d 'Show one stream\'s configuration and state, or a Pulsar topic\'s partitions'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from streams" -f -a "rm" -d 'Delete a stream and its messages'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from messages" -f -a "get" -d 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from messages" -f -a "dead" -d 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it'
