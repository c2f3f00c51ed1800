//! `arc serve` and `arc config get|set|rm`: the pipeline and its admin API (`arc backbones` is
//! in `backbones.rs`).

use std::io::Read as _;
use std::path::Path;

use super::ExitStatus;
use crate::cli::{AdminArgs, ConfigGetArgs, ConfigKind, ConfigRmArgs, ConfigSetArgs, ServeArgs};
use crate::error::Error;
use crate::pipeline::client::{Client, ConfigDoc};
use crate::pipeline::{Components, ServeOptions};
use crate::settings::Settings;
use crate::ui::Printer;

/// The secret `arc up` generates for the pipeline's admin API (`{secret.admin-token}`).
pub(crate) const ADMIN_TOKEN_SECRET: &str = "admin-token";

pub(super) async fn serve(
    args: ServeArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let components = Components::parse(&args.components).map_err(|m| {
        Error::invalid(
            format!("--components: {m}"),
            Some("e.g. --components fanout,config,registry".into()),
        )
    })?;
    let endpoint = |given: Option<String>, key: &str, fallback: &str| {
        super::endpoint_or(settings, given.as_ref(), key, fallback)
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "arc".to_owned(), |h| h.trim().to_owned());
    let options = ServeOptions {
        listen: args.listen,
        components,
        nats_url: endpoint(args.nats_url, "ARC_NATS_URL", "nats://127.0.0.1:4222")?,
        redis_url: endpoint(args.redis_url, "ARC_REDIS_URL", "redis://127.0.0.1:6379")?,
        database_url: endpoint(
            args.database_url,
            "ARC_DATABASE_URL",
            "postgres://arc@127.0.0.1:5432/arc",
        )?,
        admin_token: args.admin_token.filter(|t| !t.is_empty()),
        consumer: args
            .consumer
            .unwrap_or_else(|| format!("{host}:{}", args.listen.port())),
        lease_ttl: args.lease_ttl,
        system_id: args.system_id,
        org_id: args.org_id,
        cluster_id: args.cluster_id,
        public_nats_url: args.public_nats_url,
        batching: crate::pipeline::logger::Batching {
            count: args.log_batch,
            bytes: args.log_batch_bytes,
            wait: args.log_batch_wait,
            writers: usize::from(args.log_writers),
        },
        retention_days: args.retention_days,
        feed_buffer: args.feed_buffer as usize,
        ack_deadline: args.ack_deadline,
        hold_limit: args.hold_limit,
        id_memory: args.id_memory,
        connections: crate::pipeline::listener::ConnLimits {
            header_timeout: args.header_timeout,
            max_connections: args.max_connections as usize,
        },
        body_timeout: args.body_timeout,
        body_budget: usize::try_from(args.body_budget).unwrap_or(usize::MAX),
    };
    // A panic inside a request (the CEL parser has been seen to panic on malformed input; arc
    // catches it) belongs in the server's log as one line, not as a raw backtrace notice.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("internal error: {info}");
    }));
    let shutdown = async {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = async {
                match term.as_mut() {
                    Some(t) => { t.recv().await; }
                    None => std::future::pending::<()>().await,
                }
            } => {}
        }
        tracing::info!("stopping: finishing requests in flight");
    };
    let summary = format!(
        "components {}; NATS {}, Redis {}, log store {}",
        components.enabled().join(","),
        crate::bus::nats::redact(&options.nats_url),
        crate::bus::nats::redact(&options.redis_url),
        crate::bus::nats::redact(&options.database_url),
    );
    crate::pipeline::serve(
        options,
        |addr| {
            printer.info(&format!(
                "arc serve: listening on http://{addr} ({summary})"
            ));
        },
        shutdown,
    )
    .await?;
    Ok(ExitStatus::Success)
}

/// Reads (or makes, once, readable only by its owner) a per-project secret.
pub(crate) fn secret(state_dir: &Path, name: &str) -> Result<String, Error> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let dir = state_dir.join("secrets");
    let path = dir.join(name);
    if let Ok(s) = std::fs::read_to_string(&path) {
        if !s.trim().is_empty() {
            return Ok(s.trim().to_owned());
        }
    }
    let fail = |e: std::io::Error| {
        Error::failed(
            format!("cannot write the secret {}: {e}", path.display()),
            Some("check that the state directory is writable (ARC_STATE_DIR)".into()),
        )
    };
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(fail)?;
    let value = crate::format::hex(&bytes);
    // A temporary file of this process's own, linked into place only if no other process
    // made the secret meanwhile: two commands racing on a new project agree on one value.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(fail)?;
        f.write_all(value.as_bytes()).map_err(fail)?;
    }
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(value),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let theirs = std::fs::read_to_string(&path).map_err(fail)?;
            if theirs.trim().is_empty() {
                // An empty file (an older arc's, or a hand-made one): replace it.
                std::fs::write(&path, &value).map_err(fail)?;
                return Ok(value);
            }
            Ok(theirs.trim().to_owned())
        }
        Err(e) => Err(fail(e)),
    }
}

/// The client of the pipeline's API (admin, and the message log's query API for `arc messages`,
/// `arc replay --log` and `arc tail --log`): `--pipeline-url` or the project's pipeline, and
/// `--admin-token` or the one `arc up` made.
pub(super) fn client(settings: &Settings, a: &AdminArgs) -> Result<Client, Error> {
    let base = super::endpoint_or(
        settings,
        a.pipeline_url.as_ref(),
        "ARC_PIPELINE_URL",
        "http://127.0.0.1:8090",
    )?;
    // Replicated pipeline instances export a list; any one of them answers for all.
    let base = base.split(',').next().unwrap_or_default().trim().to_owned();
    let token = match a.admin_token.clone().filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => {
            let path = settings.state_dir.join("secrets").join(ADMIN_TOKEN_SECRET);
            std::fs::read_to_string(&path)
                .map(|t| t.trim().to_owned())
                .map_err(|_| {
                    Error::invalid(
                        "no admin token: ARC_ADMIN_TOKEN is not set and `arc up` has not made one for this project",
                        Some(format!(
                            "set ARC_ADMIN_TOKEN to the pipeline's admin token, or run `arc up` (it writes {})",
                            path.display()
                        )),
                    )
                })?
        }
    };
    Client::new(&base, token).map_err(|e| Error::pipeline("cannot use the pipeline", e))
}

/// The document `kind [name]` names, and how to say it.
fn doc(kind: ConfigKind, name: Option<&str>) -> Result<(ConfigDoc, String), Error> {
    match (kind, name) {
        (ConfigKind::Global, None) => Ok((ConfigDoc::Global, "global".into())),
        (ConfigKind::Topic, Some(n)) => {
            crate::pipeline::config::check_topic_name(n)
                .map_err(|e| Error::invalid(e.reason, None))?;
            Ok((ConfigDoc::Topic(n.to_owned()), format!("topic `{n}`")))
        }
        (ConfigKind::Topic, None) => Err(Error::invalid(
            "`topic` needs a name",
            Some("e.g. `arc config get topic commands`".into()),
        )),
        (ConfigKind::Topics, None) => Ok((ConfigDoc::Topics, "topics".into())),
        (ConfigKind::Global | ConfigKind::Topics, Some(n)) => Err(Error::invalid(
            format!("`{n}`: only `topic` takes a name"),
            None,
        )),
    }
}

pub(super) async fn config_get(
    args: ConfigGetArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let (doc, what) = doc(args.kind, args.name.as_deref())?;
    let a = client(settings, &args.admin)?
        .config(&doc)
        .await
        .map_err(|e| Error::pipeline(format!("cannot read {what}"), e))?;
    if printer.json() {
        let mut out = serde_json::json!({"config": a.body});
        if let Some(e) = &a.etag {
            out["etag"] = e.clone().into();
        }
        printer.json_value(&out);
    } else {
        let text = serde_yaml_ng::to_string(&a.body).unwrap_or_default();
        printer.data(text.trim_end());
        if let Some(e) = a.etag {
            printer.info(&format!("{what}: version {e}"));
        }
    }
    Ok(ExitStatus::Success)
}

/// Reads a YAML or JSON document from a file or standard input.
fn read_document(from: &Path) -> Result<serde_json::Value, Error> {
    let (name, text) = if from == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Error::invalid(format!("cannot read standard input: {e}"), None))?;
        ("<stdin>".to_owned(), s)
    } else {
        let s = std::fs::read_to_string(from)
            .map_err(|e| Error::invalid(format!("cannot read {}: {e}", from.display()), None))?;
        (from.display().to_string(), s)
    };
    serde_yaml_ng::from_str::<serde_json::Value>(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        Error::invalid(format!("{name}{at}: not YAML or JSON: {e}"), None)
    })
}

pub(super) async fn config_set(
    args: ConfigSetArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if args.kind == ConfigKind::Topics {
        return Err(Error::invalid(
            "`set` writes one document: `global` or `topic NAME`",
            None,
        ));
    }
    let (target, what) = doc(args.kind, args.name.as_deref())?;
    let body = read_document(&args.from)?;
    let api = client(settings, &args.admin)?;
    let if_match = match args.if_match {
        Some(e) => Some(e),
        None => match api.config(&target).await {
            Ok(current) => current.etag,
            Err(e) if e.status() == Some(404) => None,
            Err(e) => return Err(Error::pipeline(format!("cannot read {what}"), e)),
        },
    };
    let a = api
        .put_config(&target, &body, if_match.as_deref())
        .await
        .map_err(|e| Error::pipeline(format!("cannot store {what}"), e))?;
    let version = a.etag.clone().unwrap_or_default();
    if printer.json() {
        printer.json_value(
            &serde_json::json!({"config": a.body, "etag": version, "created": a.created}),
        );
    } else {
        printer.info(&format!(
            "{what}: {} {version}; running pipelines apply it within a second",
            if a.created { "created" } else { "updated to" }
        ));
    }
    Ok(ExitStatus::Success)
}

pub(super) async fn config_rm(
    args: ConfigRmArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if args.kind == ConfigKind::Topics {
        return Err(Error::invalid(
            "`rm` removes one document: `global` or `topic NAME`",
            None,
        ));
    }
    let (doc, what) = doc(args.kind, args.name.as_deref())?;
    client(settings, &args.admin)?
        .delete_config(&doc)
        .await
        .map_err(|e| Error::pipeline(format!("cannot remove {what}"), e))?;
    printer.info(&format!("{what}: removed"));
    Ok(ExitStatus::Success)
}
