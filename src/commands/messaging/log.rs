//! The message log, read through the pipeline's query API: `arc messages get ID`
//! (`GET /v1/messages/{id}`), `arc replay --log` (pages through `GET /v1/messages` until
//! `next_cursor` is null) and `arc tail --log` (the WebSocket feed `/v1/feed`). These commands
//! only read and print, through [`crate::pipeline::client`]; the logger, the API and the feed
//! are `crate::pipeline`'s.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::FutureExt as _;

use super::window::window;
use crate::bus::subject;
use crate::cli::{AdminArgs, LogConnectArgs, MessageGetArgs, ReplayArgs, TailArgs};
use crate::commands::pipeline::client;
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::pipeline::api::messages::{ListQuery, MAX_PAGE};
use crate::pipeline::client::ClientError;
use crate::pipeline::envelope::Envelope;
use crate::settings::Settings;
use crate::ui::{DataStream, Printer, Style};

/// `arc messages get ID`.
pub(crate) async fn get(
    args: MessageGetArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    if args.id.trim().is_empty() {
        return Err(Error::invalid(
            "the message id is empty",
            Some("e.g. `arc messages get 019a5d3e-7c1f-7b7e-9d3e-2a1f0c6b9e10`".into()),
        ));
    }
    let api = client(settings, &args.admin)?;
    let e = match api.message(&args.id).await {
        Ok(e) => e,
        Err(e) if e.status() == Some(404) && e.reason() == Some("not_found") => {
            return Err(Error::invalid(
                format!("message `{}` is not in the log", args.id),
                Some(
                    "the logger writes an accepted message within a moment; `arc replay --log --since 1h` lists what is there"
                        .into(),
                ),
            ));
        }
        Err(e) => {
            return Err(query_error(
                e,
                &format!("cannot read message `{}`", args.id),
            ))
        }
    };
    if printer.json() {
        printer.json_line(&e);
    } else {
        printer.json_value(&e);
    }
    Ok(ExitStatus::Success)
}

/// `arc replay --log`: every logged message in the window (and matching `--subject`), oldest
/// first, page by page.
pub(super) async fn replay(
    args: ReplayArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let pattern = args.subject.clone().unwrap_or_else(|| ">".into());
    subject::pattern(&pattern)?;
    let w = window(&args)?;
    let api = client(settings, &admin_args(&args.log_connect))?;
    // Logged times are whole milliseconds: rounding `since` up and `until` down keeps the window
    // exact to the message (both ends included, as in the other replays).
    let mut query = ListQuery {
        subject: Some(pattern),
        since: Some(rfc3339(ceil_ms(w.since))),
        until: w.until.map(|u| rfc3339(floor_ms(u))),
        limit: Some(MAX_PAGE),
        ..ListQuery::default()
    };
    let mode = Mode::of(printer, args.raw);
    let mut out = printer.data_stream();
    let mut count = 0u64;
    'pages: loop {
        let page = match api.messages(&query).await {
            Ok(p) => p,
            Err(e) => {
                out.flush();
                return Err(query_error(e, "cannot read the message log"));
            }
        };
        for m in &page.messages {
            count += 1;
            if !write(&mut out, printer, mode, m) {
                break 'pages;
            }
        }
        if !out.flush() {
            break;
        }
        match page.next_cursor {
            Some(next) if !next.is_empty() => {
                if query.cursor.as_deref() == Some(next.as_str()) {
                    return Err(Error::failed(
                        format!(
                            "the pipeline at {} answered the same cursor twice; stopping",
                            api.base()
                        ),
                        None,
                    ));
                }
                query.cursor = Some(next);
            }
            _ => break,
        }
    }
    out.flush();
    printer.info(&format!(
        "replayed {count} message{} from the message log",
        if count == 1 { "" } else { "s" }
    ));
    Ok(ExitStatus::Success)
}

/// `arc tail --log`: prints each message the logger writes, as the feed pushes it; ends with
/// exit 1 (and the server's reason) when the pipeline closes the feed.
pub(super) async fn tail(
    args: TailArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    subject::pattern(&args.pattern)?;
    let api = client(settings, &admin_args(&args.log_connect))?;
    let mut feed = api
        .feed(&args.pattern)
        .await
        .map_err(|e| query_error(e, "cannot follow the message log"))?;
    printer.info(&format!(
        "tailing the message log `{}` (Ctrl-C to stop)",
        args.pattern
    ));
    let mode = Mode::of(printer, false);
    let mut out = printer.data_stream();
    let mut seen = 0u64;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        if args.count.is_some_and(|c| seen >= c) {
            break;
        }
        // Take what is ready without waiting; flush before waiting.
        let next = match feed.next().now_or_never() {
            Some(m) => m,
            None => {
                if !out.flush() {
                    break;
                }
                tokio::select! {
                    m = feed.next() => m,
                    _ = &mut ctrl_c => break,
                }
            }
        };
        let envelope = match next {
            Ok(e) => e,
            Err(e) => {
                out.flush();
                return Err(Error::pipeline("the message log's feed stopped", e));
            }
        };
        seen += 1;
        if !write(&mut out, printer, mode, &envelope) {
            break;
        }
    }
    out.flush();
    feed.close().await;
    Ok(ExitStatus::Success)
}

/// A failed call of the query API as an error; a 404 without the API's reason means no query
/// API at all.
fn query_error(e: ClientError, what: &str) -> Error {
    if e.status() == Some(404) && e.reason().is_none() {
        return Error::Pipeline {
            context: format!("{what}: the pipeline has no query API"),
            source: e,
            hint: Some(
                "run its `query` component (`arc serve --components …,query`), or point --pipeline-url at one that does"
                    .into(),
            ),
        };
    }
    Error::pipeline(what, e)
}

/// `--pipeline-url` and `--admin-token` as the admin client's options.
fn admin_args(c: &LogConnectArgs) -> AdminArgs {
    AdminArgs {
        pipeline_url: c.pipeline_url.clone(),
        admin_token: c.admin_token.clone(),
    }
}

/// How a logged message is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One envelope per line (JSON Lines).
    Json,
    /// The payload alone.
    Raw,
    /// `HH:MM:SS.mmm subject sender: payload`.
    Human { color: bool },
}

impl Mode {
    fn of(printer: &Printer, raw: bool) -> Self {
        if printer.json() {
            Self::Json
        } else if raw {
            Self::Raw
        } else {
            Self::Human {
                color: printer.color_stdout(),
            }
        }
    }
}

/// Writes one envelope; `false` once the reader has gone away.
fn write(out: &mut DataStream, printer: &Printer, mode: Mode, e: &Envelope) -> bool {
    match mode {
        Mode::Json => match serde_json::to_string(e) {
            Ok(s) => out.line(&s),
            Err(_) => true,
        },
        Mode::Raw => match serde_json::from_str::<String>(e.payload.get()) {
            Ok(s) => out.line(&s.replace('\n', "\\n")),
            Err(_) => out.line(e.payload.get()),
        },
        Mode::Human { .. } => out.line(&human(printer, e)),
    }
}

/// `15:51:52.123 agent.a1.commands alice: {"op":"think"}`.
fn human(printer: &Printer, e: &Envelope) -> String {
    format!(
        "{} {} {}: {}",
        printer.paint(&e.ts.format("%H:%M:%S%.3f").to_string(), Style::Dim),
        printer.paint(&e.subject, Style::Bold),
        e.sender,
        e.payload.get(),
    )
}

/// RFC 3339 in UTC with milliseconds, as the log writes times.
fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `t` rounded up to the millisecond.
fn ceil_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = floor_ms(t);
    if floor == t {
        t
    } else {
        floor + chrono::Duration::milliseconds(1)
    }
}

/// `t` rounded down to the millisecond.
fn floor_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn windows_round_to_whole_milliseconds_inwards() {
        let t = Utc.timestamp_nanos(1_763_892_000_123_456_789);
        assert_eq!(rfc3339(ceil_ms(t)), "2025-11-23T10:00:00.124Z");
        assert_eq!(rfc3339(floor_ms(t)), "2025-11-23T10:00:00.123Z");
        let exact = Utc.timestamp_millis_opt(1_763_892_000_123).unwrap();
        assert_eq!(ceil_ms(exact), exact);
    }

    #[test]
    fn envelopes_print_in_the_documented_order() {
        let e: Envelope = serde_json::from_str(
            r#"{"payload":{"op":"think"},"ts":"2026-11-23T15:51:52.123Z","id":"x",
                "subject":"agent.a1.commands","sender":"alice","source":"http","topic":"commands",
                "headers":{}}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"id":"x","subject":"agent.a1.commands","topic":"commands","ts":"2026-11-23T15:51:52.123Z","source":"http","sender":"alice","headers":{},"payload":{"op":"think"}}"#
        );
        let printer = Printer::new(false, false, false, false);
        assert_eq!(
            human(&printer, &e),
            r#"15:51:52.123 agent.a1.commands alice: {"op":"think"}"#
        );
    }

    /// Issue 11: payloads print as they were sent, numbers past 64 bits included.
    #[test]
    fn payloads_print_byte_for_byte() {
        let e: Envelope = serde_json::from_str(
            r#"{"id":"x","subject":"a","topic":"t","ts":"2026-11-23T15:51:52.123Z","source":"http",
                "sender":"s","headers":{},"payload":{"n": 12345678901234567890123, "f": 1.50}}"#,
        )
        .unwrap();
        let out = serde_json::to_string(&e).unwrap();
        assert!(
            out.ends_with(r#""payload":{"n": 12345678901234567890123, "f": 1.50}}"#),
            "{out}"
        );
    }
}
