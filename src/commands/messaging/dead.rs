//! `arc messages dead`: the pipeline's dead letters (`GET /v1/dead`), and `retry`/`drop` of one
//! letter or of every letter of a place. The letters and what retry does are
//! `crate::pipeline::dead`'s; this only asks and prints.

use serde_json::Value;

use crate::cli::{AdminArgs, DeadAction, DeadArgs, DeadTakeArgs};
use crate::commands::pipeline::Admin;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::{Printer, Table};

/// `arc messages dead [retry|drop …]`.
pub(crate) async fn run(
    args: DeadArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    match args.action {
        None => list(&args, settings, printer).await,
        Some(DeadAction::Retry(t)) => take(t, &args.admin, "retry", settings, printer).await,
        Some(DeadAction::Drop(t)) => take(t, &args.admin, "drop", settings, printer).await,
    }
}

async fn list(
    args: &DeadArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let admin = Admin::new(settings, &args.admin)?;
    let mut path = format!("/v1/dead?limit={}", args.limit);
    if let Some(p) = &args.place {
        path.push_str(&format!("&place={p}"));
    }
    let a = admin.send(reqwest::Method::GET, &path, None, None).await?;
    if a.status != 200 {
        return Err(a.into_error("cannot list the dead letters"));
    }
    if printer.json() {
        printer.json_line(&a.body);
        return Ok(ExitStatus::Success);
    }
    let places = a.body["places"].as_array().cloned().unwrap_or_default();
    let mut table = Table::new(&["dead id", "place", "at", "reason", "message id", "error"]);
    for place in &places {
        let name = place["place"].as_str().unwrap_or_default();
        let count = place["count"].as_u64().unwrap_or(0);
        let dropped = place["dropped"].as_u64().unwrap_or(0);
        printer.info(&format!(
            "{name}: {count} letter{} ({dropped} dropped by the bound so far)",
            if count == 1 { "" } else { "s" }
        ));
        for l in place["letters"].as_array().into_iter().flatten() {
            let s = |k: &str| l[k].as_str().unwrap_or("-").to_owned();
            let mut error = s("error");
            if error.chars().count() > 100 {
                error = error.chars().take(99).collect::<String>() + "…";
            }
            table.row(vec![
                s("dead_id"),
                name.to_owned(),
                s("at"),
                s("reason"),
                s("id"),
                error,
            ]);
        }
    }
    printer.data(&table.render());
    Ok(ExitStatus::Success)
}

async fn take(
    t: DeadTakeArgs,
    parent: &AdminArgs,
    verb: &str,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let admin_args = AdminArgs {
        server: t.admin.server.clone().or_else(|| parent.server.clone()),
        admin_token: t
            .admin
            .admin_token
            .clone()
            .or_else(|| parent.admin_token.clone()),
    };
    let admin = Admin::new(settings, &admin_args)?;
    let (method, path, what) = match (&t.dead_id, verb) {
        (Some(id), "retry") => (
            reqwest::Method::POST,
            format!("/v1/dead/{id}/retry"),
            format!("dead letter `{id}`"),
        ),
        (Some(id), _) => (
            reqwest::Method::DELETE,
            format!("/v1/dead/{id}"),
            format!("dead letter `{id}`"),
        ),
        (None, "retry") => (
            reqwest::Method::POST,
            format!(
                "/v1/dead/retry?place={}",
                t.place.clone().unwrap_or_default()
            ),
            "the dead letters".to_owned(),
        ),
        (None, _) => (
            reqwest::Method::DELETE,
            format!("/v1/dead?place={}", t.place.clone().unwrap_or_default()),
            "the dead letters".to_owned(),
        ),
    };
    if t.dead_id.as_deref().is_some_and(|id| id.trim().is_empty()) {
        return Err(Error::invalid(
            "the dead letter id is empty",
            Some("`arc messages dead` lists the letters with their ids".into()),
        ));
    }
    let a = admin.send(method, &path, None, None).await?;
    if a.status == 404 && a.body.get("reason").and_then(Value::as_str) == Some("not_found") {
        return Err(Error::invalid(
            format!("there is no {what} (already retried or dropped?)"),
            Some("`arc messages dead` lists the letters with their ids".into()),
        ));
    }
    if a.status != 200 {
        return Err(a.into_error(&format!("cannot {verb} {what}")));
    }
    if printer.json() {
        printer.json_line(&a.body);
    } else {
        let done = if verb == "retry" {
            "retried"
        } else {
            "dropped"
        };
        match &a.body[done] {
            Value::Number(n) => printer.info(&format!("{done} {n} dead letter(s)")),
            l => printer.info(&format!(
                "{done} dead letter `{}` ({} → {})",
                l["dead_id"].as_str().unwrap_or_default(),
                l["place"].as_str().unwrap_or_default(),
                if verb == "retry" {
                    if l["place"] == "log" {
                        "the log queue"
                    } else {
                        "arc:ingest"
                    }
                } else {
                    "deleted"
                }
            )),
        }
    }
    Ok(ExitStatus::Success)
}
