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
complete -c arc -n "__fish_arc_needs_command" -f -a "config" -d 'Check the declarative files'
complete -c arc -n "__fish_arc_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c arc -n "__fish_arc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand up" -l timeout -d 'The longest to wait for all services to become healthy (e.g. `90s`)' -r
complete -c arc -n "__fish_arc_using_subcommand up" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand up" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand up" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand up" -l no-wait -d 'Start the services and return without waiting for health'
complete -c arc -n "__fish_arc_using_subcommand up" -l keep -d 'On failure, leave what started running, for debugging'
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
complete -c arc -n "__fish_arc_using_subcommand logs" -l since -d 'Only lines written in the last DURATION (e.g. `10m`)' -r
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
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -l project-dir -d 'The project directory (holding `profiles.yaml` and `services/`)' -r -F
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -l runtime -d 'Where services run: docker, native processes, or Docker when the daemon answers' -r -f -a "auto\t'Docker when the daemon answers, else native processes'
docker\t'Containers through the Docker engine'
process\t'Native processes from binaries on this machine'"
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -l color -d 'When to colour output; `NO_COLOR` set to anything turns colour off' -r -f -a "auto\t'Colour when stdout/stderr is a terminal'
always\t'Always colour'
never\t'Never colour'"
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -l json -d 'Print data as JSON (JSON Lines for streams)'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -s q -l quiet -d 'Print only errors'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -s v -l verbose -d 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -s V -l version -d 'Print version'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -f -a "validate" -d 'Load and check every file, overlays included; report every problem found'
complete -c arc -n "__fish_arc_using_subcommand config; and not __fish_seen_subcommand_from validate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Load and check every file, overlays included; report every problem found'
complete -c arc -n "__fish_arc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
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
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "up" -d 'Bring a profile or services up, in dependency order, and wait until healthy'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "down" -d 'Stop services, in reverse dependency order'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "ps" -d 'List services with state, pid, ports, uptime and health'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "health" -d 'Probe running services over their own protocols; exit 1 if any is unhealthy'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "logs" -d 'Show service logs, prefixed by service'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "env" -d 'Print the running services\' endpoints as ARC_*_URL variables'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "services" -d 'List the declared services'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "profiles" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "config" -d 'Check the declarative files'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c arc -n "__fish_arc_using_subcommand help; and not __fish_seen_subcommand_from up down ps health logs env services profiles config completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from services" -f -a "ls" -d 'List the declared services'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "ls" -d 'List the declared profiles'
complete -c arc -n "__fish_arc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Load and check every file, overlays included; report every problem found'
