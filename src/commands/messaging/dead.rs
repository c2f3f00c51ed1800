//! `arc messages dead`: the pipeline's dead letters (`GET /v1/dead`), and `retry`/`drop` of one
//! letter or of every letter of a place. The letters and what retry does are
//! `crate::pipeline::dead`'s; this only asks and prints.

use crate::cli::{AdminArgs, DeadAction, DeadArgs, DeadTakeArgs};
use crate::commands::pipeline::client;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::pipeline::api::dead::DeadList;
use crate::pipeline::dead::{Action, Place};
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
        Some(DeadAction::Retry(t)) => take(t, &args.admin, Action::Retry, settings, printer).await,
        Some(DeadAction::Drop(t)) => take(t, &args.admin, Action::Drop, settings, printer).await,
    }
}

async fn list(
    args: &DeadArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let places = client(settings, &args.admin)?
        .dead(args.place.as_deref(), usize::from(args.limit))
        .await
        .map_err(|e| Error::pipeline("cannot list the dead letters", e))?;
    if printer.json() {
        printer.json_line(&DeadList { places });
        return Ok(ExitStatus::Success);
    }
    let mut table = Table::new(&["dead id", "place", "at", "reason", "message id", "error"]);
    for place in places {
        let (name, count) = (place.place.as_str(), place.count);
        printer.info(&format!(
            "{name}: {count} letter{} ({} dropped by the bound so far)",
            if count == 1 { "" } else { "s" },
            place.dropped
        ));
        for l in place.letters {
            let mut error = l.error;
            if error.chars().count() > 100 {
                error = error.chars().take(99).collect::<String>() + "…";
            }
            table.row(vec![
                l.dead_id,
                name.to_owned(),
                l.at,
                l.reason,
                l.id.unwrap_or_else(|| "-".into()),
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
    action: Action,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let admin_args = AdminArgs {
        pipeline_url: t
            .admin
            .pipeline_url
            .clone()
            .or_else(|| parent.pipeline_url.clone()),
        admin_token: t
            .admin
            .admin_token
            .clone()
            .or_else(|| parent.admin_token.clone()),
    };
    let verb = match action {
        Action::Retry => "retry",
        Action::Drop => "drop",
    };
    let done = action.done();
    let api = client(settings, &admin_args)?;
    let Some(id) = &t.dead_id else {
        let place = t.place.clone().unwrap_or_default();
        let n = api
            .take_all_dead(&place, action)
            .await
            .map_err(|e| Error::pipeline(format!("cannot {verb} the dead letters"), e))?;
        if printer.json() {
            printer.json_line(&serde_json::json!({ done: n }));
        } else {
            printer.info(&format!("{done} {n} dead letter(s)"));
        }
        return Ok(ExitStatus::Success);
    };
    if id.trim().is_empty() {
        return Err(Error::invalid(
            "the dead letter id is empty",
            Some("`arc messages dead` lists the letters with their ids".into()),
        ));
    }
    let what = format!("dead letter `{id}`");
    let l = match api.take_dead(id, action).await {
        Ok(l) => l,
        Err(e) if e.status() == Some(404) && e.reason() == Some("not_found") => {
            return Err(Error::invalid(
                format!("there is no {what} (already retried or dropped?)"),
                Some("`arc messages dead` lists the letters with their ids".into()),
            ));
        }
        Err(e) => return Err(Error::pipeline(format!("cannot {verb} {what}"), e)),
    };
    if printer.json() {
        printer.json_line(&serde_json::json!({ done: l }));
    } else {
        let to = match (action, l.place) {
            (Action::Retry, Place::Log) => "the log queue",
            (Action::Retry, Place::Ingest) => "arc:ingest",
            (Action::Drop, _) => "deleted",
        };
        printer.info(&format!(
            "{done} dead letter `{}` ({} → {to})",
            l.dead_id,
            l.place.as_str()
        ));
    }
    Ok(ExitStatus::Success)
}
