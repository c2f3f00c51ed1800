
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
            cand config 'Check the declarative files; read and change the pipeline''s configuration'
            cand compose 'Docker Compose files generated from service.yaml, for running a service without arc'
            cand new 'Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml, docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and in the image workflow'
            cand serve 'Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the config store and the backbone registry'
            cand backbones 'The backbone registry: where messages for an org are routed; backbones deployed into Kubernetes with Helm'
            cand build 'Build the thin images of services that declare `build:` (through the Docker engine)'
            cand completions 'Print a shell completion script'
            cand pub 'Publish messages to a NATS subject or a Pulsar topic'
            cand sub 'Subscribe and print messages (JSON Lines with --json)'
            cand request 'Send a request and print the reply; exit 1 on no responders or timeout'
            cand reply 'Answer requests with a fixed body or a command''s output'
            cand streams 'Declare and inspect JetStream streams (and Pulsar topics)'
            cand replay 'Replay a stream, a topic or the message log (--log) from a point in time; exits at the end unless --follow'
            cand tail 'A live feed of every message matching a pattern, one line each'
            cand messages 'The message log: every accepted message, as the pipeline''s logger wrote it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;up'= {
            cand --timeout 'The longest to wait for all services to become healthy (e.g. `90s`)'
            cand --progress 'How to show progress (image pulls, starts): live bars on a terminal, plain lines, JSON lines on stderr, or nothing'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --no-wait 'Start the services and return without waiting for health'
            cand --keep 'On failure, leave what started running, for debugging'
            cand --build 'Build the images of services that declare `build:` first, even those already built (docker runtime; a missing one is built without it, as docker compose does)'
            cand --no-build 'Never build: fail when a service''s image that declares `build:` is not built yet'
            cand --no-block 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish'
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
            cand --cascade 'Also stop the running services that depend on the named ones (without it, arc warns and leaves them running)'
            cand --no-block 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish'
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
            cand --since 'Only lines written since TIME: a duration ago (`10m`), an RFC 3339 time, or unix seconds or milliseconds (as `arc replay --since`)'
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
            cand get 'Print a stored pipeline config document (global, topic NAME, or topics)'
            cand set 'Store a pipeline config document; every running pipeline applies it within a second'
            cand rm 'Delete a pipeline config document'
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
        &'arc;config;get'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;config;set'= {
            cand --from 'The document, YAML or JSON (`-`: standard input)'
            cand --if-match 'Replace only if the stored version is still this ETag (from `arc config get`); without it, arc replaces whatever version it reads just before writing'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;config;rm'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
            cand get 'Print a stored pipeline config document (global, topic NAME, or topics)'
            cand set 'Store a pipeline config document; every running pipeline applies it within a second'
            cand rm 'Delete a pipeline config document'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;config;help;validate'= {
        }
        &'arc;config;help;get'= {
        }
        &'arc;config;help;set'= {
        }
        &'arc;config;help;rm'= {
        }
        &'arc;config;help;help'= {
        }
        &'arc;compose'= {
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
            cand export 'Print (or write, or check) each service''s `docker-compose.yml`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;compose;export'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --write 'Write `services/<dir>/docker-compose.yml` in the project instead of printing'
            cand --check 'Exit 1 if a committed `docker-compose.yml` differs from what would be written'
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
        &'arc;compose;help'= {
            cand export 'Print (or write, or check) each service''s `docker-compose.yml`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;compose;help;export'= {
        }
        &'arc;compose;help;help'= {
        }
        &'arc;new'= {
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
            cand service 'A new service in the platform''s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;new;service'= {
            cand --codename 'The platform codename; commands accept it as the name, and it names the make targets (`CODENAME-up`, …) and their file'
            cand --description 'One line on what the service is (default: `NAME on IMAGE`)'
            cand --image 'The upstream image the thin Dockerfile builds on'
            cand --port 'A port, NAME:CONTAINER[:HOST] (repeatable; at least one). HOST (default: CONTAINER) is published on 127.0.0.1 and is where the native process listens; the first port is the health probe''s'
            cand --health 'How arc checks it is healthy, on the first port: http:PATH, tcp, nats, redis, postgres or pulsar'
            cand --depends-on 'A service (name or codename) that must be healthy first (repeatable)'
            cand --profile 'A profile the service joins (repeatable)'
            cand --native-command 'The command the process runtime runs, as one shell-quoted string; placeholders: {port.NAME}, {host}, {data}, {service}, {env.NAME}'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --dry-run 'Print what would be written (new files whole, changed lines of the others), write nothing'
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
        &'arc;new;help'= {
            cand service 'A new service in the platform''s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;new;help;service'= {
        }
        &'arc;new;help;help'= {
        }
        &'arc;serve'= {
            cand --listen 'Where the HTTP API listens (ingress, admin, health, metrics)'
            cand --components 'The components to run: fanout (HTTP, WebSocket, Redis and NATS ingress with the constraint checker), config (the config store''s API), registry (the backbone registry), logger (log queue into PostgreSQL), query (query API, live feed, the page at `/`)'
            cand --log-batch 'The logger writes a batch when it holds this many messages...'
            cand --log-batch-bytes '...or this many bytes...'
            cand --log-batch-wait '...or its first message has waited this long'
            cand --log-writers 'The logger writes this many batches side by side, each on a PostgreSQL connection of its own (PostgreSQL takes more rows a second over more than one connection)'
            cand --retention-days 'Drop logged messages older than this many days (default: keep everything)'
            cand --feed-buffer 'A live-feed client (`/v1/feed`, `arc tail --log`) is closed with the reason once it falls this many messages behind the log'
            cand --ack-deadline 'How long a request waits for JetStream to say whether it stored a message, asking again with the same `Nats-Msg-Id` every second while no acknowledgement comes; past it the answer is 504 `outcome_unknown` (retry with the same id: it is stored once)'
            cand --hold-limit 'How long a Redis ingress entry may be held back by transient failures (a stream without a leader, a full stream, a rate limit; retried with backoff) before it is set aside on `arc:ingest:rejected` with reason `held_too_long`. Time the pipeline''s NATS connection was down does not count'
            cand --id-memory 'How long a producer''s `id` stays bound to what it names (sender, subject, headers, payload) after its last use: within it, the same id with other content is refused (409) and a retry with the same content is stored once. About 150 bytes of Redis per id'
            cand --header-timeout 'A connection that has not sent a complete request head within this long of opening, or of its previous answer, is closed: this bounds both how long a keep-alive connection may sit idle and how slowly a head may arrive'
            cand --body-timeout 'A request''s body must have arrived whole within this long of its head (else 408 and the connection is closed)'
            cand --max-connections 'At most this many connections are open at once, WebSockets included, and never more than the descriptor limit leaves room for (its soft value is raised to the hard one at start). A connection over the bound closes the one that has waited longest without a request; when every one is busy, the newcomer gets 503 with Retry-After'
            cand --body-budget 'The bytes of request bodies and WebSocket messages held at once, across all clients; past it a request gets 503 with Retry-After. Bodies over 1 MiB together take at most three quarters of it, so held large bodies leave room for ordinary messages'
            cand --nats-url 'Flash''s URL (default: the project''s `messaging` service)'
            cand --redis-url 'Sonic''s URL (default: the project''s `cache` service)'
            cand --database-url 'The log store''s URL (default: the project''s `logstore` service)'
            cand --admin-token 'The token the admin API (config, registry) requires; at least 16 characters'
            cand --consumer 'This instance''s name for its Redis processing lists; kept stable across restarts, the instance runs them again at once when it starts (default: host name and port). Nothing depends on it: the lists of a consumer whose lease lapsed are claimed by a live instance'
            cand --lease-ttl 'How long a consumer''s lease lasts without a heartbeat (renewed every fifth of it): after a crash, its processing lists are claimed by another instance within about this long'
            cand --system-id 'The local backbone''s system id in the registry'
            cand --org-id 'The local backbone''s org id in the registry'
            cand --cluster-id 'The local backbone''s cluster id in the registry'
            cand --public-nats-url 'The NATS URL other systems reach this backbone at (default: --nats-url)'
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
        &'arc;backbones'= {
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
            cand ls 'List the registered backbones'
            cand show 'Show one backbone'
            cand add 'Register a backbone'
            cand rm 'Remove a backbone from the registry'
            cand deploy 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it'
            cand values 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning'
            cand remove 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`'
            cand status 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;backbones;ls'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;backbones;show'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;backbones;add'= {
            cand --org 'The organisation whose messages it carries (messages with header `org: ORG`)'
            cand --cluster 'The cluster it runs in'
            cand --nats-url 'Its public NATS URL'
            cand --region 'region'
            cand --backbone-version 'The backbone''s version'
            cand --status 'active, draining, down, … (anything but down, inactive, draining or decommissioned takes traffic)'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;backbones;rm'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;backbones;deploy'= {
            cand --org 'The organisation whose messages it carries (messages with header `org: ORG`)'
            cand --cluster 'The cluster it runs in (the registry''s cluster id)'
            cand --kube-context 'The Kubernetes context to deploy with (default: the kubeconfig''s current context)'
            cand --namespace 'The namespace of the release (created when missing)'
            cand --replicas 'NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum)'
            cand --values 'A values file (YAML) merged over arc''s standardized values, the way Helm merges them'
            cand --expose 'How clients outside the cluster reach it'
            cand --public-url 'The URL clients reach it at (recorded in the registry): the load balancer''s DNS name, a node''s address with the node port, or the ingress host'
            cand --region 'The region recorded in the registry'
            cand --timeout 'How long the rollout, and then the public URL, may take each'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --dry-run 'Print the plan (release, chart, values, Helm command, registry record) and change nothing'
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
        &'arc;backbones;values'= {
            cand --org 'The organisation whose messages it carries (messages with header `org: ORG`)'
            cand --cluster 'The cluster it runs in (the registry''s cluster id)'
            cand --kube-context 'The Kubernetes context to deploy with (default: the kubeconfig''s current context)'
            cand --namespace 'The namespace of the release (created when missing)'
            cand --replicas 'NATS servers in the backbone (1 to 5; odd numbers keep a JetStream quorum)'
            cand --values 'A values file (YAML) merged over arc''s standardized values, the way Helm merges them'
            cand --expose 'How clients outside the cluster reach it'
            cand --public-url 'The URL clients reach it at (recorded in the registry): the load balancer''s DNS name, a node''s address with the node port, or the ingress host'
            cand --region 'The region recorded in the registry'
            cand --timeout 'How long the rollout, and then the public URL, may take each'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --dry-run 'Print the plan (release, chart, values, Helm command, registry record) and change nothing'
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
        &'arc;backbones;remove'= {
            cand --kube-context 'The Kubernetes context, for a backbone the registry does not know (default: the one recorded at deploy)'
            cand --namespace 'The namespace, for a backbone the registry does not know (default: the recorded one)'
            cand --timeout 'How long the uninstall may take'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --keep-data 'Keep the JetStream volumes (PersistentVolumeClaims) for a later deploy'
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
        &'arc;backbones;status'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;backbones;help'= {
            cand ls 'List the registered backbones'
            cand show 'Show one backbone'
            cand add 'Register a backbone'
            cand rm 'Remove a backbone from the registry'
            cand deploy 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it'
            cand values 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning'
            cand remove 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`'
            cand status 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;backbones;help;ls'= {
        }
        &'arc;backbones;help;show'= {
        }
        &'arc;backbones;help;add'= {
        }
        &'arc;backbones;help;rm'= {
        }
        &'arc;backbones;help;deploy'= {
        }
        &'arc;backbones;help;values'= {
        }
        &'arc;backbones;help;remove'= {
        }
        &'arc;backbones;help;status'= {
        }
        &'arc;backbones;help;help'= {
        }
        &'arc;build'= {
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --no-block 'Fail at once when another `arc up`, `down` or `build` is changing this project, instead of waiting for it to finish'
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
        &'arc;pub'= {
            cand -H 'A header `key:value` (repeatable; NATS headers or Pulsar properties)'
            cand --header 'A header `key:value` (repeatable; NATS headers or Pulsar properties)'
            cand --count 'Publish N messages'
            cand --size 'A random body of this size (for load): bytes, or `4KiB`, `2MiB`, `1MB`'
            cand --reply-to 'Reply subject to send with the message'
            cand --compression 'Compress each Pulsar message with this codec (every official client reads them all)'
            cand --key 'The Pulsar message key: Key_Shared subscriptions dispatch by it, and on a partitioned topic it picks the partition (the same key, the same partition)'
            cand --event-time 'The Pulsar message''s event time: a duration ago (`90s`), an RFC 3339 time, or unix seconds or milliseconds (as `arc replay --since`)'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --stdin 'Read messages from stdin, one per line'
            cand --jetstream 'Publish through JetStream and wait for each acknowledgement (`Nats-Msg-Id` set)'
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
        &'arc;sub'= {
            cand --queue 'Join a queue group: each message goes to one member'
            cand --count 'Exit after N messages'
            cand --subscription 'Pulsar subscription name'
            cand --position 'Pulsar initial position'
            cand --type 'Pulsar subscription type'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --raw 'Print only the payload'
            cand --headers 'Print headers'
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
        &'arc;request'= {
            cand -H 'A header `key:value` (repeatable)'
            cand --header 'A header `key:value` (repeatable)'
            cand --timeout 'How long to wait for the reply'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --raw 'Print only the payload'
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
        &'arc;reply'= {
            cand --queue 'Queue group, so several repliers share the requests'
            cand --command 'Run CMD (with `sh -c`) per request, the request on stdin; reply with its stdout'
            cand --count 'Exit after N requests'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
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
        &'arc;streams'= {
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
            cand apply 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed'
            cand ls 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)'
            cand info 'Show one stream''s configuration and state, or a Pulsar topic''s partitions'
            cand rm 'Delete a stream and its messages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;streams;apply'= {
            cand --topics 'The Pulsar topics file; default: `services/streaming/topics.yaml`'
            cand --replicas 'Every stream''s replicas (1 to 5), whatever the file says. Default: the file''s, except when Flash is declared with replicas: then as many as it has instances, up to 5'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --dry-run 'Show what would change without changing it'
            cand --no-topics 'Only JetStream streams, not Pulsar topics'
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
        &'arc;streams;ls'= {
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
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
        &'arc;streams;info'= {
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
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
        &'arc;streams;rm'= {
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
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
        &'arc;streams;help'= {
            cand apply 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed'
            cand ls 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)'
            cand info 'Show one stream''s configuration and state, or a Pulsar topic''s partitions'
            cand rm 'Delete a stream and its messages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;streams;help;apply'= {
        }
        &'arc;streams;help;ls'= {
        }
        &'arc;streams;help;info'= {
        }
        &'arc;streams;help;rm'= {
        }
        &'arc;streams;help;help'= {
        }
        &'arc;replay'= {
            cand --since 'From: a duration ago (`90s`, `1h`), an RFC 3339 time, or unix seconds or milliseconds'
            cand --until 'Until (same forms); default: the end of what exists'
            cand --subject 'Only subjects matching this pattern (JetStream, and the message log)'
            cand --to 'Re-publish each message to this live subject'
            cand --pipeline-url 'The pipeline''s URL, for --log (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token, for --log (default: the one `arc up` generated for this project)'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --follow 'Keep going after the end, printing new messages as they arrive'
            cand --raw 'Print only the payload'
            cand --log 'Page through the message log (every accepted message, from the pipeline''s query API) instead of a stream; prints envelopes'
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
        &'arc;tail'= {
            cand --count 'Exit after N messages'
            cand --pipeline-url 'The pipeline''s URL, for --log (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token, for --log (default: the one `arc up` generated for this project)'
            cand --server 'NATS server URL'
            cand --token 'NATS token'
            cand --user 'NATS user name'
            cand --password 'NATS password'
            cand --creds 'NATS credentials file (JWT + NKey seed)'
            cand --pulsar-url 'Pulsar broker URL, `pulsar://` or `pulsar+ssl://` (for `persistent://` and `non-persistent://` topics)'
            cand --pulsar-token 'Pulsar token'
            cand --pulsar-tls-ca 'PEM file of the certificate authorities to trust for a `pulsar+ssl://` broker (default: the system''s roots)'
            cand --pulsar-keepalive 'How often arc sends the Pulsar broker a PING; when nothing comes back within as long, arc gives the connection up (exit 1). Default: 30s'
            cand --pulsar-admin-url 'Pulsar admin REST API URL (for `arc streams apply`)'
            cand --connect-timeout 'How long to wait for a connection'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --system 'Also show `$`-prefixed (server) and `_INBOX` subjects'
            cand --log 'Follow the message log''s live feed (each message as the logger writes it, from the pipeline''s WebSocket `/v1/feed`) instead of NATS; exit 1 if the pipeline drops it'
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
        &'arc;messages'= {
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
            cand get 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id'
            cand dead 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;messages;get'= {
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
        &'arc;messages;dead'= {
            cand --place 'Only this place: `ingest` (arc:ingest:rejected) or `log` (arc:log:dead)'
            cand --limit 'At most this many letters a place'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
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
            cand retry 'Put a letter back where it came from (or, with --all, every letter of --place)'
            cand drop 'Delete a letter (or, with --all, every letter of --place)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;messages;dead;retry'= {
            cand --place 'The place whose letters --all takes: `ingest` or `log`'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --all 'Every letter of --place'
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
        &'arc;messages;dead;drop'= {
            cand --place 'The place whose letters --all takes: `ingest` or `log`'
            cand --pipeline-url 'The pipeline''s URL (default: the project''s `pipeline` service)'
            cand --admin-token 'The admin token (default: the one `arc up` generated for this project)'
            cand --project-dir 'The project directory (holding `profiles.yaml` and `services/`)'
            cand --runtime 'Where services run: docker, native processes, or Docker when the daemon answers'
            cand --color 'When to colour output; `NO_COLOR` set to anything turns colour off'
            cand --all 'Every letter of --place'
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
        &'arc;messages;dead;help'= {
            cand retry 'Put a letter back where it came from (or, with --all, every letter of --place)'
            cand drop 'Delete a letter (or, with --all, every letter of --place)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;messages;dead;help;retry'= {
        }
        &'arc;messages;dead;help;drop'= {
        }
        &'arc;messages;dead;help;help'= {
        }
        &'arc;messages;help'= {
            cand get 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id'
            cand dead 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'arc;messages;help;get'= {
        }
        &'arc;messages;help;dead'= {
            cand retry 'Put a letter back where it came from (or, with --all, every letter of --place)'
            cand drop 'Delete a letter (or, with --all, every letter of --place)'
        }
        &'arc;messages;help;dead;retry'= {
        }
        &'arc;messages;help;dead;drop'= {
        }
        &'arc;messages;help;help'= {
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
            cand config 'Check the declarative files; read and change the pipeline''s configuration'
            cand compose 'Docker Compose files generated from service.yaml, for running a service without arc'
            cand new 'Write a new platform service from templates/: services/NAME/ (Dockerfile, service.yaml, docker-compose.yml, NAME.mk), its include in the root Makefile, its place in profiles and in the image workflow'
            cand serve 'Run the message pipeline: ingress (HTTP, WebSocket, Redis list, NATS), constraints, the config store and the backbone registry'
            cand backbones 'The backbone registry: where messages for an org are routed; backbones deployed into Kubernetes with Helm'
            cand build 'Build the thin images of services that declare `build:` (through the Docker engine)'
            cand completions 'Print a shell completion script'
            cand pub 'Publish messages to a NATS subject or a Pulsar topic'
            cand sub 'Subscribe and print messages (JSON Lines with --json)'
            cand request 'Send a request and print the reply; exit 1 on no responders or timeout'
            cand reply 'Answer requests with a fixed body or a command''s output'
            cand streams 'Declare and inspect JetStream streams (and Pulsar topics)'
            cand replay 'Replay a stream, a topic or the message log (--log) from a point in time; exits at the end unless --follow'
            cand tail 'A live feed of every message matching a pattern, one line each'
            cand messages 'The message log: every accepted message, as the pipeline''s logger wrote it'
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
            cand get 'Print a stored pipeline config document (global, topic NAME, or topics)'
            cand set 'Store a pipeline config document; every running pipeline applies it within a second'
            cand rm 'Delete a pipeline config document'
        }
        &'arc;help;config;validate'= {
        }
        &'arc;help;config;get'= {
        }
        &'arc;help;config;set'= {
        }
        &'arc;help;config;rm'= {
        }
        &'arc;help;compose'= {
            cand export 'Print (or write, or check) each service''s `docker-compose.yml`'
        }
        &'arc;help;compose;export'= {
        }
        &'arc;help;new'= {
            cand service 'A new service in the platform''s pattern. Every check (the name, the host ports, the dependencies, the profiles, and everything `arc config validate` checks) passes before a file is written; a refused request leaves the tree as it was'
        }
        &'arc;help;new;service'= {
        }
        &'arc;help;serve'= {
        }
        &'arc;help;backbones'= {
            cand ls 'List the registered backbones'
            cand show 'Show one backbone'
            cand add 'Register a backbone'
            cand rm 'Remove a backbone from the registry'
            cand deploy 'Deploy (or upgrade) a NATS backbone into a Kubernetes cluster with Helm, then register it'
            cand values 'Print the Helm values `deploy` would pass (YAML, commented), for review or pinning'
            cand remove 'Drain a deployed backbone, uninstall its release, and mark it `decommissioned`'
            cand status 'Ask a backbone itself how it is: NATS over its public URL, JetStream, and (for one arc deployed) its Helm release. Exit 1 when it does not answer'
        }
        &'arc;help;backbones;ls'= {
        }
        &'arc;help;backbones;show'= {
        }
        &'arc;help;backbones;add'= {
        }
        &'arc;help;backbones;rm'= {
        }
        &'arc;help;backbones;deploy'= {
        }
        &'arc;help;backbones;values'= {
        }
        &'arc;help;backbones;remove'= {
        }
        &'arc;help;backbones;status'= {
        }
        &'arc;help;build'= {
        }
        &'arc;help;completions'= {
        }
        &'arc;help;pub'= {
        }
        &'arc;help;sub'= {
        }
        &'arc;help;request'= {
        }
        &'arc;help;reply'= {
        }
        &'arc;help;streams'= {
            cand apply 'Create or update the declared JetStream streams (and Pulsar topics), printing what changed'
            cand ls 'List JetStream streams, or the Pulsar topics of a namespace (with their partitions)'
            cand info 'Show one stream''s configuration and state, or a Pulsar topic''s partitions'
            cand rm 'Delete a stream and its messages'
        }
        &'arc;help;streams;apply'= {
        }
        &'arc;help;streams;ls'= {
        }
        &'arc;help;streams;info'= {
        }
        &'arc;help;streams;rm'= {
        }
        &'arc;help;replay'= {
        }
        &'arc;help;tail'= {
        }
        &'arc;help;messages'= {
            cand get 'Print one message from the log: its envelope, as pretty JSON (one line with --json). Exit 2 when the log has no message with that id'
            cand dead 'The dead letters, newest first: entries Redis ingress refused or could not read, NATS messages refused with no reply subject to tell, and accepted messages the log store would not take — each with its reason. `retry` puts a letter back where it came from (`arc:ingest` or the log queue); `drop` deletes it'
        }
        &'arc;help;messages;get'= {
        }
        &'arc;help;messages;dead'= {
            cand retry 'Put a letter back where it came from (or, with --all, every letter of --place)'
            cand drop 'Delete a letter (or, with --all, every letter of --place)'
        }
        &'arc;help;messages;dead;retry'= {
        }
        &'arc;help;messages;dead;drop'= {
        }
        &'arc;help;help'= {
        }
    ]
    $completions[$command]
}
