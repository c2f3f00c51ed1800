
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'arc' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'arc'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'arc' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'An overlay merged over the stock files (repeatable; later files win). Give it before the command, as with docker compose: `-f` after `arc logs` means follow')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'An overlay merged over the stock files (repeatable; later files win). Give it before the command, as with docker compose: `-f` after `arc logs` means follow')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Bring a profile or services up, in dependency order, and wait until healthy')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop services, in reverse dependency order')
            [CompletionResult]::new('ps', 'ps', [CompletionResultType]::ParameterValue, 'List services with state, pid, ports, uptime and health')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Probe running services over their own protocols; exit 1 if any is unhealthy')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show service logs, prefixed by service')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the running services'' endpoints as ARC_*_URL variables')
            [CompletionResult]::new('services', 'services', [CompletionResultType]::ParameterValue, 'List the declared services')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the declared profiles')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check the declarative files; read and change the pipeline''s configuration')
            [CompletionResult]::new('compose', 'compose', [CompletionResultType]::ParameterValue, 'Docker Compose files generated from service.yaml, for running a service without arc')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml, docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and in the image workflow')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the config store and the backbone registry')
            [CompletionResult]::new('backbones', 'backbones', [CompletionResultType]::ParameterValue, 'The backbone registry: where messages for an org are routed; backbones deployed into Kubernetes with Helm')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the thin images of services that declare `build:` (through the Docker engine)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages to a NATS subject or a Pulsar topic')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe and print messages (JSON Lines with --json)')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Send a request and print the reply; exit 1 on no responders or timeout')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Answer requests with a fixed body or a command''s output')
            [CompletionResult]::new('streams', 'streams', [CompletionResultType]::ParameterValue, 'Declare and inspect JetStream streams (and Pulsar topics)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay a stream, a topic or the message log (--log) from a point in time; exits at the end unless --follow')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'A live feed of every message matching a pattern, one line each')
            [CompletionResult]::new('messages', 'messages', [CompletionResultType]::ParameterValue, 'The message log: every accepted message, as the pipeline''s logger wrote it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;up' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'The longest to wait for all services to become healthy (e.g. `90s`)')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'How to show progress (image pulls, starts): live bars on a terminal, plain lines, JSON lines on stderr, or nothing')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the services and return without waiting for health')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'On failure, leave what started running, for debugging')
            [CompletionResult]::new('--build', '--build', [CompletionResultType]::ParameterName, 'Build the images of services that declare `build:` first, even those already built (docker runtime; a missing one is built without it, as docker compose does)')
            [CompletionResult]::new('--no-build', '--no-build', [CompletionResultType]::ParameterName, 'Never build: fail when a service''s image that declares `build:` is not built yet')
            [CompletionResult]::new('--no-block', '--no-block', [CompletionResultType]::ParameterName, 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;down' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a service may take to stop before it is killed')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--volumes', '--volumes', [CompletionResultType]::ParameterName, 'Also delete the services'' data (the volumes or data directories)')
            [CompletionResult]::new('--cascade', '--cascade', [CompletionResultType]::ParameterName, 'Also stop the running services that depend on the named ones (without it, arc warns and leaves them running)')
            [CompletionResult]::new('--no-block', '--no-block', [CompletionResultType]::ParameterName, 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;ps' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Show every declared service, running or not')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Show every declared service, running or not')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;health' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep probing until all are healthy or this much time has passed (e.g. `30s`)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--deep', '--deep', [CompletionResultType]::ParameterName, 'Add a functional round trip per service and report each step''s latency')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines written since TIME: a duration ago (`10m`), an RFC 3339 time, or unix seconds or milliseconds (as `arc replay --since`)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only the last N lines of each service')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines of each service')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new lines as they are written')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new lines as they are written')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;env' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (`--json` is the same as `--format json`)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;services' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the declared services')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;services;ls' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;services;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the declared services')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;services;help;ls' {
            break
        }
        'arc;services;help;help' {
            break
        }
        'arc;profiles' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the declared profiles')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;profiles;ls' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;profiles;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the declared profiles')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;profiles;help;ls' {
            break
        }
        'arc;profiles;help;help' {
            break
        }
        'arc;config' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Load and check every file, overlays included; report every problem found')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a stored pipeline config document (global, topic NAME, or topics)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a pipeline config document; every running pipeline applies it within a second')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a pipeline config document')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;config;validate' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;config;get' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;config;set' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The document, YAML or JSON (`-`: standard input)')
            [CompletionResult]::new('--if-match', '--if-match', [CompletionResultType]::ParameterName, 'Replace only if the stored version is still this ETag (from `arc config get`); without it, arc replaces whatever version it reads just before writing')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;config;rm' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Load and check every file, overlays included; report every problem found')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a stored pipeline config document (global, topic NAME, or topics)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a pipeline config document; every running pipeline applies it within a second')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a pipeline config document')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;config;help;validate' {
            break
        }
        'arc;config;help;get' {
            break
        }
        'arc;config;help;set' {
            break
        }
        'arc;config;help;rm' {
            break
        }
        'arc;config;help;help' {
            break
        }
        'arc;compose' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print (or write, or check) each service''s `docker-compose.yml`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;compose;export' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Write `services/<dir>/docker-compose.yml` in the project instead of printing')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 1 if a committed `docker-compose.yml` differs from what would be written')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;compose;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print (or write, or check) each service''s `docker-compose.yml`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;compose;help;export' {
            break
        }
        'arc;compose;help;help' {
            break
        }
        'arc;new' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('service', 'service', [CompletionResultType]::ParameterValue, 'A new service in the platform''s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;new;service' {
            [CompletionResult]::new('--codename', '--codename', [CompletionResultType]::ParameterName, 'The platform codename; commands accept it as the name, and it names the make targets (`CODENAME-up`, …) and their file')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'One line on what the service is (default: `NAME on IMAGE`)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The upstream image the thin Dockerfile builds on')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'A port, NAME:CONTAINER[:HOST] (repeatable; at least one). HOST (default: CONTAINER) is published on 127.0.0.1 and is where the native process listens; the first port is the health probe''s')
            [CompletionResult]::new('--health', '--health', [CompletionResultType]::ParameterName, 'How arc checks it is healthy, on the first port: http:PATH, tcp, nats, redis, postgres or pulsar')
            [CompletionResult]::new('--depends-on', '--depends-on', [CompletionResultType]::ParameterName, 'A service (name or codename) that must be healthy first (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile the service joins (repeatable)')
            [CompletionResult]::new('--native-command', '--native-command', [CompletionResultType]::ParameterName, 'The command the process runtime runs, as one shell-quoted string; placeholders: {port.NAME}, {host}, {data}, {service}, {env.NAME}')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be written (new files whole, changed lines of the others), write nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;new;help' {
            [CompletionResult]::new('service', 'service', [CompletionResultType]::ParameterValue, 'A new service in the platform''s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;new;help;service' {
            break
        }
        'arc;new;help;help' {
            break
        }
        'arc;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where the HTTP API listens (ingress, admin, health, metrics)')
            [CompletionResult]::new('--components', '--components', [CompletionResultType]::ParameterName, 'The components to run: fanout (HTTP, WebSocket, Redis and NATS ingress with the constraint checker), config (the config store''s API), registry (the backbone registry), logger (log queue into PostgreSQL), query (query API, live feed, the page at `/`)')
            [CompletionResult]::new('--log-batch', '--log-batch', [CompletionResultType]::ParameterName, 'The logger writes a batch when it holds this many messages...')
            [CompletionResult]::new('--log-batch-bytes', '--log-batch-bytes', [CompletionResultType]::ParameterName, '...or this many bytes...')
            [CompletionResult]::new('--log-batch-wait', '--log-batch-wait', [CompletionResultType]::ParameterName, '...or its first message has waited this long')
            [CompletionResult]::new('--log-writers', '--log-writers', [CompletionResultType]::ParameterName, 'The logger writes this many batches side by side, each on a PostgreSQL connection of its own (PostgreSQL takes more rows a second over more than one connection)')
            [CompletionResult]::new('--retention-days', '--retention-days', [CompletionResultType]::ParameterName, 'Drop logged messages older than this many days (default: keep everything)')
            [CompletionResult]::new('--feed-buffer', '--feed-buffer', [CompletionResultType]::ParameterName, 'A live-feed client (`/v1/feed`, `arc tail --log`) is closed with the reason once it falls this many messages behind the log')
            [CompletionResult]::new('--ack-deadline', '--ack-deadline', [CompletionResultType]::ParameterName, 'How long a request waits for JetStream to say whether it stored a message, asking again with the same `Nats-Msg-Id` every second while no acknowledgement comes; past it the answer is 504 `outcome_unknown` (retry with the same id: it is stored once)')
            [CompletionResult]::new('--hold-limit', '--hold-limit', [CompletionResultType]::ParameterName, 'How long a Redis ingress entry may be held back by transient failures (a stream without a leader, a full stream, a rate limit; retried with backoff) before it is set aside on `arc:ingest:rejected` with reason `held_too_long`. Time the pipeline''s NATS connection was down does not count')
            [CompletionResult]::new('--id-memory', '--id-memory', [CompletionResultType]::ParameterName, 'How long a producer''s `id` stays bound to what it names (sender, subject, headers, payload) after its last use: within it, the same id with other content is refused (409) and a retry with the same content is stored once. About 150 bytes of Redis per id')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'A connection that has not sent a complete request head within this long of opening, or of its previous answer, is closed: this bounds both how long a keep-alive connection may sit idle and how slowly a head may arrive')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'A request''s body must have arrived whole within this long of its head (else 408 and the connection is closed)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'At most this many connections are open at once, WebSockets included, and never more than the descriptor limit leaves room for (its soft value is raised to the hard one at start). A connection over the bound closes the one that has waited longest without a request; when every one is busy, the newcomer gets 503 with Retry-After')
            [CompletionResult]::new('--body-budget', '--body-budget', [CompletionResultType]::ParameterName, 'The bytes of request bodies and WebSocket messages held at once, across all clients; past it a request gets 503 with Retry-After. Bodies over 1 MiB together take at most three quarters of it, so held large bodies leave room for ordinary messages')
            [CompletionResult]::new('--nats-url', '--nats-url', [CompletionResultType]::ParameterName, 'Flash''s URL (default: the project''s `messaging` service)')
            [CompletionResult]::new('--redis-url', '--redis-url', [CompletionResultType]::ParameterName, 'Sonic''s URL (default: the project''s `cache` service)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'The log store''s URL (default: the project''s `logstore` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The token the admin API (config, registry) requires; at least 16 characters')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'This instance''s name for its Redis processing lists; kept stable across restarts, the instance runs them again at once when it starts (default: host name and port). Nothing depends on it: the lists of a consumer whose lease lapsed are claimed by a live instance')
            [CompletionResult]::new('--lease-ttl', '--lease-ttl', [CompletionResultType]::ParameterName, 'How long a consumer''s lease lasts without a heartbeat (renewed every fifth of it): after a crash, its processing lists are claimed by another instance within about this long')
            [CompletionResult]::new('--system-id', '--system-id', [CompletionResultType]::ParameterName, 'The local backbone''s system id in the registry')
            [CompletionResult]::new('--org-id', '--org-id', [CompletionResultType]::ParameterName, 'The local backbone''s org id in the registry')
            [CompletionResult]::new('--cluster-id', '--cluster-id', [CompletionResultType]::ParameterName, 'The local backbone''s cluster id in the registry')
            [CompletionResult]::new('--public-nats-url', '--public-nats-url', [CompletionResultType]::ParameterName, 'The NATS URL other systems reach this backbone at (default: --nats-url)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the registered backbones')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one backbone')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a backbone')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a backbone from the registry')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it')
            [CompletionResult]::new('values', 'values', [CompletionResultType]::ParameterValue, 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;backbones;ls' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;show' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;add' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organisation whose messages it carries (messages with header `org: ORG`)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster it runs in')
            [CompletionResult]::new('--nats-url', '--nats-url', [CompletionResultType]::ParameterName, 'Its public NATS URL')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'region')
            [CompletionResult]::new('--backbone-version', '--backbone-version', [CompletionResultType]::ParameterName, 'The backbone''s version')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'active, draining, down, … (anything but down, inactive, draining or decommissioned takes traffic)')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;rm' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;deploy' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organisation whose messages it carries (messages with header `org: ORG`)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster it runs in (the registry''s cluster id)')
            [CompletionResult]::new('--kube-context', '--kube-context', [CompletionResultType]::ParameterName, 'The Kubernetes context to deploy with (default: the kubeconfig''s current context)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the release (created when missing)')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum)')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'A values file (YAML) merged over arc''s standardized values, the way Helm merges them')
            [CompletionResult]::new('--expose', '--expose', [CompletionResultType]::ParameterName, 'How clients outside the cluster reach it')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The URL clients reach it at (recorded in the registry): the load balancer''s DNS name, a node''s address with the node port, or the ingress host')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region recorded in the registry')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the rollout, and then the public URL, may take each')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (release, chart, values, Helm command, registry record) and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;values' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'The organisation whose messages it carries (messages with header `org: ORG`)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster it runs in (the registry''s cluster id)')
            [CompletionResult]::new('--kube-context', '--kube-context', [CompletionResultType]::ParameterName, 'The Kubernetes context to deploy with (default: the kubeconfig''s current context)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the release (created when missing)')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum)')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'A values file (YAML) merged over arc''s standardized values, the way Helm merges them')
            [CompletionResult]::new('--expose', '--expose', [CompletionResultType]::ParameterName, 'How clients outside the cluster reach it')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The URL clients reach it at (recorded in the registry): the load balancer''s DNS name, a node''s address with the node port, or the ingress host')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region recorded in the registry')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the rollout, and then the public URL, may take each')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (release, chart, values, Helm command, registry record) and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;remove' {
            [CompletionResult]::new('--kube-context', '--kube-context', [CompletionResultType]::ParameterName, 'The Kubernetes context, for a backbone the registry does not know (default: the one recorded at deploy)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace, for a backbone the registry does not know (default: the recorded one)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the uninstall may take')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--keep-data', '--keep-data', [CompletionResultType]::ParameterName, 'Keep the JetStream volumes (PersistentVolumeClaims) for a later deploy')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;status' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;backbones;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the registered backbones')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one backbone')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a backbone')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a backbone from the registry')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it')
            [CompletionResult]::new('values', 'values', [CompletionResultType]::ParameterValue, 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;backbones;help;ls' {
            break
        }
        'arc;backbones;help;show' {
            break
        }
        'arc;backbones;help;add' {
            break
        }
        'arc;backbones;help;rm' {
            break
        }
        'arc;backbones;help;deploy' {
            break
        }
        'arc;backbones;help;values' {
            break
        }
        'arc;backbones;help;remove' {
            break
        }
        'arc;backbones;help;status' {
            break
        }
        'arc;backbones;help;help' {
            break
        }
        'arc;build' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--no-block', '--no-block', [CompletionResultType]::ParameterName, 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;completions' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;pub' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A header `key:value` (repeatable; NATS headers or Pulsar properties)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header `key:value` (repeatable; NATS headers or Pulsar properties)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Publish N messages')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'A random body of this size (for load): bytes, or `4KiB`, `2MiB`, `1MB`')
            [CompletionResult]::new('--reply-to', '--reply-to', [CompletionResultType]::ParameterName, 'Reply subject to send with the message')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Compress each Pulsar message with this codec (every official client reads them all)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The Pulsar message key: Key_Shared subscriptions dispatch by it, and on a partitioned topic it picks the partition (the same key, the same partition)')
            [CompletionResult]::new('--event-time', '--event-time', [CompletionResultType]::ParameterName, 'The Pulsar message''s event time: a duration ago (`90s`), an RFC 3339 time, or unix seconds or milliseconds (as `arc replay --since`)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read messages from stdin, one per line')
            [CompletionResult]::new('--jetstream', '--jetstream', [CompletionResultType]::ParameterName, 'Publish through JetStream and wait for each acknowledgement (`Nats-Msg-Id` set)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;sub' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Join a queue group: each message goes to one member')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after N messages')
            [CompletionResult]::new('--subscription', '--subscription', [CompletionResultType]::ParameterName, 'Pulsar subscription name')
            [CompletionResult]::new('--position', '--position', [CompletionResultType]::ParameterName, 'Pulsar initial position')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Pulsar subscription type')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print only the payload')
            [CompletionResult]::new('--headers', '--headers', [CompletionResultType]::ParameterName, 'Print headers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;request' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A header `key:value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header `key:value` (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the reply')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print only the payload')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;reply' {
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue group, so several repliers share the requests')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Run CMD (with `sh -c`) per request, the request on stdin; reply with its stdout')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after N requests')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;streams' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show one stream''s configuration and state, or a Pulsar topic''s partitions')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a stream and its messages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;streams;apply' {
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'The Pulsar topics file; default: `services/streaming/topics.yaml`')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Every stream''s replicas (1 to 5), whatever the file says. Default: the file''s, except when Flash is declared with replicas: then as many as it has instances, up to 5')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change without changing it')
            [CompletionResult]::new('--no-topics', '--no-topics', [CompletionResultType]::ParameterName, 'Only JetStream streams, not Pulsar topics')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;streams;ls' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;streams;info' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;streams;rm' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;streams;help' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show one stream''s configuration and state, or a Pulsar topic''s partitions')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a stream and its messages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;streams;help;apply' {
            break
        }
        'arc;streams;help;ls' {
            break
        }
        'arc;streams;help;info' {
            break
        }
        'arc;streams;help;rm' {
            break
        }
        'arc;streams;help;help' {
            break
        }
        'arc;replay' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From: a duration ago (`90s`, `1h`), an RFC 3339 time, or unix seconds or milliseconds')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Until (same forms); default: the end of what exists')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Only subjects matching this pattern (JetStream, and the message log)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Re-publish each message to this live subject')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL, for --log (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token, for --log (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep going after the end, printing new messages as they arrive')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print only the payload')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Page through the message log (every accepted message, from the pipeline''s query API) instead of a stream; prints envelopes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;tail' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after N messages')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL, for --log (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token, for --log (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'NATS server URL')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'NATS token')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'NATS user name')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'NATS password')
            [CompletionResult]::new('--creds', '--creds', [CompletionResultType]::ParameterName, 'NATS credentials file (JWT + NKey seed)')
            [CompletionResult]::new('--pulsar-url', '--pulsar-url', [CompletionResultType]::ParameterName, 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)')
            [CompletionResult]::new('--pulsar-token', '--pulsar-token', [CompletionResultType]::ParameterName, 'Pulsar token')
            [CompletionResult]::new('--pulsar-tls-ca', '--pulsar-tls-ca', [CompletionResultType]::ParameterName, 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)')
            [CompletionResult]::new('--pulsar-keepalive', '--pulsar-keepalive', [CompletionResultType]::ParameterName, 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s')
            [CompletionResult]::new('--pulsar-admin-url', '--pulsar-admin-url', [CompletionResultType]::ParameterName, 'Pulsar admin REST API URL (for `arc streams apply`)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a connection')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Also show `$`-prefixed (server) and `_INBOX` subjects')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Follow the message log''s live feed (each message as the logger writes it, from the pipeline''s WebSocket `/v1/feed`) instead of NATS; exit 1 if the pipeline drops it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;messages' {
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id')
            [CompletionResult]::new('dead', 'dead', [CompletionResultType]::ParameterValue, 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;messages;get' {
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;messages;dead' {
            [CompletionResult]::new('--place', '--place', [CompletionResultType]::ParameterName, 'Only this place: `ingest` (arc:ingest:rejected) or `log` (arc:log:dead)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many letters a place')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a letter back where it came from (or, with --all, every letter of --place)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a letter (or, with --all, every letter of --place)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;messages;dead;retry' {
            [CompletionResult]::new('--place', '--place', [CompletionResultType]::ParameterName, 'The place whose letters --all takes: `ingest` or `log`')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every letter of --place')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;messages;dead;drop' {
            [CompletionResult]::new('--place', '--place', [CompletionResultType]::ParameterName, 'The place whose letters --all takes: `ingest` or `log`')
            [CompletionResult]::new('--pipeline-url', '--pipeline-url', [CompletionResultType]::ParameterName, 'The pipeline''s URL (default: the project''s `pipeline` service)')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'The admin token (default: the one `arc up` generated for this project)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every letter of --place')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print data as JSON (JSON Lines for streams)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'arc;messages;dead;help' {
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a letter back where it came from (or, with --all, every letter of --place)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a letter (or, with --all, every letter of --place)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;messages;dead;help;retry' {
            break
        }
        'arc;messages;dead;help;drop' {
            break
        }
        'arc;messages;dead;help;help' {
            break
        }
        'arc;messages;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id')
            [CompletionResult]::new('dead', 'dead', [CompletionResultType]::ParameterValue, 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;messages;help;get' {
            break
        }
        'arc;messages;help;dead' {
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a letter back where it came from (or, with --all, every letter of --place)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a letter (or, with --all, every letter of --place)')
            break
        }
        'arc;messages;help;dead;retry' {
            break
        }
        'arc;messages;help;dead;drop' {
            break
        }
        'arc;messages;help;help' {
            break
        }
        'arc;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Bring a profile or services up, in dependency order, and wait until healthy')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop services, in reverse dependency order')
            [CompletionResult]::new('ps', 'ps', [CompletionResultType]::ParameterValue, 'List services with state, pid, ports, uptime and health')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Probe running services over their own protocols; exit 1 if any is unhealthy')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show service logs, prefixed by service')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the running services'' endpoints as ARC_*_URL variables')
            [CompletionResult]::new('services', 'services', [CompletionResultType]::ParameterValue, 'List the declared services')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the declared profiles')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check the declarative files; read and change the pipeline''s configuration')
            [CompletionResult]::new('compose', 'compose', [CompletionResultType]::ParameterValue, 'Docker Compose files generated from service.yaml, for running a service without arc')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml, docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and in the image workflow')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the config store and the backbone registry')
            [CompletionResult]::new('backbones', 'backbones', [CompletionResultType]::ParameterValue, 'The backbone registry: where messages for an org are routed; backbones deployed into Kubernetes with Helm')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the thin images of services that declare `build:` (through the Docker engine)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages to a NATS subject or a Pulsar topic')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe and print messages (JSON Lines with --json)')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Send a request and print the reply; exit 1 on no responders or timeout')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Answer requests with a fixed body or a command''s output')
            [CompletionResult]::new('streams', 'streams', [CompletionResultType]::ParameterValue, 'Declare and inspect JetStream streams (and Pulsar topics)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay a stream, a topic or the message log (--log) from a point in time; exits at the end unless --follow')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'A live feed of every message matching a pattern, one line each')
            [CompletionResult]::new('messages', 'messages', [CompletionResultType]::ParameterValue, 'The message log: every accepted message, as the pipeline''s logger wrote it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;help;up' {
            break
        }
        'arc;help;down' {
            break
        }
        'arc;help;ps' {
            break
        }
        'arc;help;health' {
            break
        }
        'arc;help;logs' {
            break
        }
        'arc;help;env' {
            break
        }
        'arc;help;services' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the declared services')
            break
        }
        'arc;help;services;ls' {
            break
        }
        'arc;help;profiles' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the declared profiles')
            break
        }
        'arc;help;profiles;ls' {
            break
        }
        'arc;help;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Load and check every file, overlays included; report every problem found')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a stored pipeline config document (global, topic NAME, or topics)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a pipeline config document; every running pipeline applies it within a second')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a pipeline config document')
            break
        }
        'arc;help;config;validate' {
            break
        }
        'arc;help;config;get' {
            break
        }
        'arc;help;config;set' {
            break
        }
        'arc;help;config;rm' {
            break
        }
        'arc;help;compose' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print (or write, or check) each service''s `docker-compose.yml`')
            break
        }
        'arc;help;compose;export' {
            break
        }
        'arc;help;new' {
            [CompletionResult]::new('service', 'service', [CompletionResultType]::ParameterValue, 'A new service in the platform''s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was')
            break
        }
        'arc;help;new;service' {
            break
        }
        'arc;help;serve' {
            break
        }
        'arc;help;backbones' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the registered backbones')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one backbone')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a backbone')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a backbone from the registry')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it')
            [CompletionResult]::new('values', 'values', [CompletionResultType]::ParameterValue, 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer')
            break
        }
        'arc;help;backbones;ls' {
            break
        }
        'arc;help;backbones;show' {
            break
        }
        'arc;help;backbones;add' {
            break
        }
        'arc;help;backbones;rm' {
            break
        }
        'arc;help;backbones;deploy' {
            break
        }
        'arc;help;backbones;values' {
            break
        }
        'arc;help;backbones;remove' {
            break
        }
        'arc;help;backbones;status' {
            break
        }
        'arc;help;build' {
            break
        }
        'arc;help;completions' {
            break
        }
        'arc;help;pub' {
            break
        }
        'arc;help;sub' {
            break
        }
        'arc;help;request' {
            break
        }
        'arc;help;reply' {
            break
        }
        'arc;help;streams' {
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show one stream''s configuration and state, or a Pulsar topic''s partitions')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a stream and its messages')
            break
        }
        'arc;help;streams;apply' {
            break
        }
        'arc;help;streams;ls' {
            break
        }
        'arc;help;streams;info' {
            break
        }
        'arc;help;streams;rm' {
            break
        }
        'arc;help;replay' {
            break
        }
        'arc;help;tail' {
            break
        }
        'arc;help;messages' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id')
            [CompletionResult]::new('dead', 'dead', [CompletionResultType]::ParameterValue, 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it')
            break
        }
        'arc;help;messages;get' {
            break
        }
        'arc;help;messages;dead' {
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Put a letter back where it came from (or, with --all, every letter of --place)')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete a letter (or, with --all, every letter of --place)')
            break
        }
        'arc;help;messages;dead;retry' {
            break
        }
        'arc;help;messages;dead;drop' {
            break
        }
        'arc;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
