
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
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check the declarative files')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;up' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'The longest to wait for all services to become healthy (e.g. `90s`)')
            [CompletionResult]::new('--project-dir', '--project-dir', [CompletionResultType]::ParameterName, 'The project directory (holding `profiles.yaml` and `services/`)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where services run: docker, native processes, or Docker when the daemon answers')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; `NO_COLOR` set to anything turns colour off')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the services and return without waiting for health')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'On failure, leave what started running, for debugging')
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
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines written in the last DURATION (e.g. `10m`)')
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
        'arc;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Load and check every file, overlays included; report every problem found')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'arc;config;help;validate' {
            break
        }
        'arc;config;help;help' {
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
        'arc;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Bring a profile or services up, in dependency order, and wait until healthy')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop services, in reverse dependency order')
            [CompletionResult]::new('ps', 'ps', [CompletionResultType]::ParameterValue, 'List services with state, pid, ports, uptime and health')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Probe running services over their own protocols; exit 1 if any is unhealthy')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show service logs, prefixed by service')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the running services'' endpoints as ARC_*_URL variables')
            [CompletionResult]::new('services', 'services', [CompletionResultType]::ParameterValue, 'List the declared services')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the declared profiles')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check the declarative files')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
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
            break
        }
        'arc;help;config;validate' {
            break
        }
        'arc;help;completions' {
            break
        }
        'arc;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
