//! `arc serve`, `arc config get|set|rm` and `arc backbones`: the pipeline and its admin API.

use std::io::Read as _;
use std::path::Path;

use super::ExitStatus;
use crate::cli::{
    AdminArgs, BackboneAddArgs, BackbonesCommand, ConfigGetArgs, ConfigKind, ConfigRmArgs,
    ConfigSetArgs, ServeArgs,
};
use crate::error::Error;
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
        given.unwrap_or_else(|| super::messaging::endpoint(settings, key, fallback))
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "arc".to_owned(), |h| h.trim().to_owned());
    let options = ServeOptions {
        listen: args.listen,
        components,
        nats_url: endpoint(args.nats_url, "ARC_NATS_URL", "nats://127.0.0.1:4222"),
        redis_url: endpoint(args.redis_url, "ARC_REDIS_URL", "redis://127.0.0.1:6379"),
        database_url: endpoint(
            args.database_url,
            "ARC_DATABASE_URL",
            "postgres://arc@127.0.0.1:5432/arc",
        ),
        admin_token: args.admin_token.filter(|t| !t.is_empty()),
        consumer: args
            .consumer
            .unwrap_or_else(|| format!("{host}:{}", args.listen.port())),
        system_id: args.system_id,
        org_id: args.org_id,
        cluster_id: args.cluster_id,
        public_nats_url: args.public_nats_url,
        batching: crate::pipeline::logger::Batching {
            count: args.log_batch,
            bytes: args.log_batch_bytes,
            wait: args.log_batch_wait,
        },
        retention_days: args.retention_days,
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
    .await
    .map_err(|e| match e {
        crate::pipeline::ServeError::NoAdminToken { .. }
        | crate::pipeline::ServeError::WeakAdminToken => Error::invalid(e.to_string(), None),
        other => Error::failed(other.to_string(), None),
    })?;
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
    let value = crate::pipeline::config::hex(&bytes);
    let tmp = dir.join(format!(".{name}.tmp"));
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
    std::fs::rename(&tmp, &path).map_err(fail)?;
    Ok(value)
}

/// The pipeline's admin API (also the message log's query API, for `arc messages`, `arc replay
/// --log` and `arc tail --log`).
pub(super) struct Admin {
    /// The pipeline's URL, without a trailing `/`.
    pub(super) base: String,
    /// The admin token.
    pub(super) token: String,
    http: reqwest::Client,
}

impl Admin {
    pub(super) fn new(settings: &Settings, a: &AdminArgs) -> Result<Self, Error> {
        let base = a.server.clone().unwrap_or_else(|| {
            super::messaging::endpoint(settings, "ARC_PIPELINE_URL", "http://127.0.0.1:8090")
        });
        // Replicated pipeline instances export a list; any one of them answers for all.
        let base = base
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('/')
            .to_owned();
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
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| Error::failed(format!("cannot make an HTTP client: {e}"), None))?;
        Ok(Admin { base, token, http })
    }

    pub(super) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
        if_match: Option<&str>,
    ) -> Result<Answer, Error> {
        let url = format!("{}{path}", self.base);
        let mut req = self
            .http
            .request(method.clone(), &url)
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(e) = if_match {
            req = req.header(reqwest::header::IF_MATCH, e);
        }
        let resp = req.send().await.map_err(|e| {
            Error::failed(
                format!("cannot reach the pipeline at {}: {e}", self.base),
                Some("is it running? `arc up think` starts it; `arc ps` shows it".into()),
            )
        })?;
        let status = resp.status().as_u16();
        let etag = resp
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = resp.text().await.unwrap_or_default();
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| serde_json::Value::String(text.clone()));
        Ok(Answer {
            status,
            etag,
            body,
            text,
        })
    }
}

/// One answer of the pipeline's API.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) etag: Option<String>,
    pub(super) body: serde_json::Value,
    /// The body as it came (payloads are printed from it, byte for byte).
    pub(super) text: String,
}

impl Answer {
    /// The answer as an error: 4xx input problems exit 2, the rest 1.
    pub(super) fn into_error(self, what: &str) -> Error {
        let message = self
            .body
            .get("error")
            .and_then(|e| e.as_str())
            .map_or_else(|| self.body.to_string(), str::to_owned);
        let message = format!("{what}: {message} (HTTP {})", self.status);
        match self.status {
            400 | 404 | 409 | 412 | 428 => Error::invalid(message, None),
            401 | 403 => Error::failed(
                message,
                Some("check the admin token (ARC_ADMIN_TOKEN)".into()),
            ),
            _ => Error::failed(message, None),
        }
    }
}

fn doc_path(kind: ConfigKind, name: Option<&str>) -> Result<(String, String), Error> {
    match (kind, name) {
        (ConfigKind::Global, None) => Ok(("/v1/config/global".into(), "global".into())),
        (ConfigKind::Topic, Some(n)) => {
            crate::pipeline::config::check_topic_name(n)
                .map_err(|e| Error::invalid(e.reason, None))?;
            Ok((format!("/v1/config/topics/{n}"), format!("topic `{n}`")))
        }
        (ConfigKind::Topic, None) => Err(Error::invalid(
            "`topic` needs a name",
            Some("e.g. `arc config get topic commands`".into()),
        )),
        (ConfigKind::Topics, None) => Ok(("/v1/config/topics".into(), "topics".into())),
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
    let (path, what) = doc_path(args.kind, args.name.as_deref())?;
    let admin = Admin::new(settings, &args.admin)?;
    let a = admin.send(reqwest::Method::GET, &path, None, None).await?;
    if a.status != 200 {
        return Err(a.into_error(&format!("cannot read {what}")));
    }
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
    let (path, what) = doc_path(args.kind, args.name.as_deref())?;
    let doc = read_document(&args.from)?;
    let admin = Admin::new(settings, &args.admin)?;
    let if_match = match args.if_match {
        Some(e) => Some(e),
        None => {
            let current = admin.send(reqwest::Method::GET, &path, None, None).await?;
            match current.status {
                200 => current.etag,
                404 => None,
                _ => return Err(current.into_error(&format!("cannot read {what}"))),
            }
        }
    };
    let a = admin
        .send(reqwest::Method::PUT, &path, Some(&doc), if_match.as_deref())
        .await?;
    if !matches!(a.status, 200 | 201) {
        return Err(a.into_error(&format!("cannot store {what}")));
    }
    let version = a.etag.clone().unwrap_or_default();
    if printer.json() {
        printer.json_value(
            &serde_json::json!({"config": a.body, "etag": version, "created": a.status == 201}),
        );
    } else {
        printer.info(&format!(
            "{what}: {} {version}; running pipelines apply it within a second",
            if a.status == 201 {
                "created"
            } else {
                "updated to"
            }
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
    let (path, what) = doc_path(args.kind, args.name.as_deref())?;
    let admin = Admin::new(settings, &args.admin)?;
    let a = admin
        .send(reqwest::Method::DELETE, &path, None, None)
        .await?;
    if a.status != 204 {
        return Err(a.into_error(&format!("cannot remove {what}")));
    }
    printer.info(&format!("{what}: removed"));
    Ok(ExitStatus::Success)
}

pub(super) async fn backbones(
    command: BackbonesCommand,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    match command {
        BackbonesCommand::Ls(a) => {
            let admin = Admin::new(settings, &a.admin)?;
            let ans = admin
                .send(reqwest::Method::GET, "/v1/backbones", None, None)
                .await?;
            if ans.status != 200 {
                return Err(ans.into_error("cannot list backbones"));
            }
            if printer.json() {
                printer.json_value(&ans.body);
                return Ok(ExitStatus::Success);
            }
            let rows: Vec<Vec<String>> = ans
                .body
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|b| {
                            let s = |k: &str| b[k].as_str().unwrap_or("").to_owned();
                            let m = |k: &str| b["metadata"][k].as_str().unwrap_or("").to_owned();
                            vec![
                                s("system_id"),
                                s("org_id"),
                                s("cluster_id"),
                                s("nats_url"),
                                m("region"),
                                m("status"),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default();
            if rows.is_empty() {
                printer.info("no backbones are registered");
            } else {
                let mut t = crate::ui::Table::new(&[
                    "SYSTEM", "ORG", "CLUSTER", "NATS", "REGION", "STATUS",
                ]);
                for r in rows {
                    t.row(r);
                }
                printer.data(&t.render());
            }
            Ok(ExitStatus::Success)
        }
        BackbonesCommand::Show(b) => {
            let admin = Admin::new(settings, &b.admin)?;
            let ans = admin
                .send(
                    reqwest::Method::GET,
                    &format!("/v1/backbones/{}", b.system_id),
                    None,
                    None,
                )
                .await?;
            if ans.status != 200 {
                return Err(ans.into_error(&format!("cannot show backbone `{}`", b.system_id)));
            }
            if printer.json() {
                printer.json_value(&ans.body);
            } else {
                printer.data(
                    serde_yaml_ng::to_string(&ans.body)
                        .unwrap_or_default()
                        .trim_end(),
                );
            }
            Ok(ExitStatus::Success)
        }
        BackbonesCommand::Add(a) => add_backbone(a, settings, printer).await,
        BackbonesCommand::Rm(b) => {
            let admin = Admin::new(settings, &b.admin)?;
            let ans = admin
                .send(
                    reqwest::Method::DELETE,
                    &format!("/v1/backbones/{}", b.system_id),
                    None,
                    None,
                )
                .await?;
            if ans.status != 204 {
                return Err(ans.into_error(&format!("cannot remove backbone `{}`", b.system_id)));
            }
            printer.info(&format!("backbone `{}`: removed", b.system_id));
            Ok(ExitStatus::Success)
        }
    }
}

async fn add_backbone(
    a: BackboneAddArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let mut metadata = serde_json::Map::new();
    for (k, v) in [
        ("region", &a.region),
        ("version", &a.backbone_version),
        ("status", &a.status),
    ] {
        if let Some(v) = v {
            metadata.insert(k.into(), v.clone().into());
        }
    }
    let body = serde_json::json!({
        "system_id": a.system_id, "org_id": a.org_id, "cluster_id": a.cluster_id,
        "nats_url": a.nats_url, "metadata": metadata,
    });
    let admin = Admin::new(settings, &a.admin)?;
    let ans = admin
        .send(reqwest::Method::POST, "/v1/backbones", Some(&body), None)
        .await?;
    if ans.status != 201 {
        return Err(ans.into_error(&format!("cannot register backbone `{}`", a.system_id)));
    }
    if printer.json() {
        printer.json_value(&ans.body);
    } else {
        printer.info(&format!(
            "backbone `{}` registered: messages with header `org: {}` go to {}",
            a.system_id,
            a.org_id,
            crate::bus::nats::redact(&a.nats_url)
        ));
    }
    Ok(ExitStatus::Success)
}
