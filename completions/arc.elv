
use builtin;
use str;

set edit:completion:arg-completer[arc] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'arc'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'arc'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand -f 'An overlay merged over the stock files (repeatable; later files win). Give it before the command, as with docker compose: `-f` after `arc logs` means follow'
            cand --file 'An overlay merged over the stock files (repeatable; later files win). Give it before the command, as with docker compose: `-f` after `arc logs` means follow'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand up 'Bring a profile or services up, in dependency order, and wait until healthy'
            cand down 'Stop services, in reverse dependency order'
            cand ps 'List services with state, pid, ports, uptime and health'
            cand health 'Probe running services over their own protocols; exit 1 if any is unhealthy'
            cand logs 'Show service logs, prefixed by service'
            cand env 'Print the running services'' endpoints as ARC_*_URL variables'
            cand services 'List the declared services'
            cand profiles 'List the declared profiles'
            cand config 'Check the declarative files'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;up'= {
            cand --timeout 'The longest to wait for all services to become healthy (e.g. `90s`)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --no-wait 'Start the services and return without waiting for health'
            cand --keep 'On failure, leave what started running, for debugging'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;down'= {
            cand --timeout 'How long a service may take to stop before it is killed'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --volumes 'Also delete the services'' data (the volumes or data directories)'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;ps'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand -a 'Show every declared service, running or not'
            cand --all 'Show every declared service, running or not'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;health'= {
            cand --wait 'Keep probing until all are healthy or this much time has passed (e.g. `30s`)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --deep 'Add a functional round trip per service and report each step''s latency'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;logs'= {
            cand --since 'Only lines written in the last DURATION (e.g. `10m`)'
            cand -n 'Only the last N lines of each service'
            cand --tail 'Only the last N lines of each service'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand -f 'Keep printing new lines as they are written'
            cand --follow 'Keep printing new lines as they are written'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;env'= {
            cand --format 'Output format (`--json` is the same as `--format json`)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;services'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List the declared services'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;services;ls'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;services;help'= {
            cand ls 'List the declared services'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;services;help;ls'= {
        }
        &'arc;services;help;help'= {
        }
        &'arc;profiles'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List the declared profiles'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;profiles;ls'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;profiles;help'= {
            cand ls 'List the declared profiles'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;profiles;help;ls'= {
        }
        &'arc;profiles;help;help'= {
        }
        &'arc;config'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Load and check every file, overlays included; report every problem found'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;config;validate'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;config;help'= {
            cand validate 'Load and check every file, overlays included; report every problem found'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;config;help;validate'= {
        }
        &'arc;config;help;help'= {
        }
        &'arc;completions'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --json 'Print data as JSON (JSON Lines for streams)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -v 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand --verbose 'More logs on stderr (-v debug, -vv trace); `RUST_LOG` overrides'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'arc;help'= {
            cand up 'Bring a profile or services up, in dependency order, and wait until healthy'
            cand down 'Stop services, in reverse dependency order'
            cand ps 'List services with state, pid, ports, uptime and health'
            cand health 'Probe running services over their own protocols; exit 1 if any is unhealthy'
            cand logs 'Show service logs, prefixed by service'
            cand env 'Print the running services'' endpoints as ARC_*_URL variables'
            cand services 'List the declared services'
            cand profiles 'List the declared profiles'
            cand config 'Check the declarative files'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;help;up'= {
        }
        &'arc;help;down'= {
        }
        &'arc;help;ps'= {
        }
        &'arc;help;health'= {
        }
        &'arc;help;logs'= {
        }
        &'arc;help;env'= {
        }
        &'arc;help;services'= {
            cand ls 'List the declared services'
        }
        &'arc;help;services;ls'= {
        }
        &'arc;help;profiles'= {
            cand ls 'List the declared profiles'
        }
        &'arc;help;profiles;ls'= {
        }
        &'arc;help;config'= {
            cand validate 'Load and check every file, overlays included; report every problem found'
        }
        &'arc;help;config;validate'= {
        }
        &'arc;help;completions'= {
        }
        &'arc;help;help'= {
        }
    ]
    $completions[$command]
}
