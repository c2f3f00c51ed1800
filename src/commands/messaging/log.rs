//! The message log, read through the pipeline's query API: `arc messages get ID`
//! (`GET /v1/messages/{id}`), `arc replay --log` (pages through `GET /v1/messages` until
//! `next_cursor` is null) and `arc tail --log` (the WebSocket feed `/v1/feed`). These commands
//! only read and print; the logger, the API and the feed are `crate::pipeline`'s.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use futures::{FutureExt as _, StreamExt as _};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest as _, Message};

use super::replay::window;
use crate::bus::subject;
use crate::cli::{AdminArgs, LogConnectArgs, MessageGetArgs, ReplayArgs, TailArgs};
use crate::commands::pipeline::{Admin, Answer};
use crate::commands::ExitStatus;
use crate::error::Error;
use crate::settings::Settings;
use crate::ui::{DataStream, Printer, Style};

/// Messages asked for per page (the API's maximum).
const PAGE: u32 = 1000;

/// How long the feed's WebSocket handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

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
    let admin = Admin::new(settings, &args.admin)?;
    let path = format!("/v1/messages/{}", encode(&args.id));
    let a = admin.send(reqwest::Method::GET, &path, None, None).await?;
    if a.status == 404 && reason(&a.body) == Some("not_found") {
        return Err(Error::invalid(
            format!("message `{}` is not in the log", args.id),
            Some(
                "the logger writes an accepted message within a moment; `arc replay --log --since 1h` lists what is there"
                    .into(),
            ),
        ));
    }
    if a.status != 200 {
        return Err(query_error(
            a,
            &admin.base,
            &format!("cannot read message `{}`", args.id),
        ));
    }
    let e = LogEnvelope::parse(&a.text);
    if printer.json() {
        printer.json_line(&Ordered::of(&e));
    } else {
        printer.json_value(&Ordered::of(&e));
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
    let admin = Admin::new(settings, &admin_args(&args.log_connect))?;
    // Logged times are whole milliseconds: rounding `since` up and `until` down keeps the window
    // exact to the message (both ends included, as in the other replays).
    let mut query = vec![
        ("subject", pattern),
        ("since", rfc3339(ceil_ms(w.since))),
        ("limit", PAGE.to_string()),
    ];
    if let Some(u) = w.until {
        query.push(("until", rfc3339(floor_ms(u))));
    }
    let mode = Mode::of(printer, args.raw);
    let mut out = printer.data_stream();
    let mut count = 0u64;
    let mut cursor: Option<String> = None;
    'pages: loop {
        let mut q = query.clone();
        if let Some(c) = &cursor {
            q.push(("cursor", c.clone()));
        }
        let path = format!("/v1/messages?{}", encode_query(&q));
        let a = admin.send(reqwest::Method::GET, &path, None, None).await?;
        if a.status != 200 {
            out.flush();
            return Err(query_error(a, &admin.base, "cannot read the message log"));
        }
        let Some(messages) = serde_json::from_str::<Page>(&a.text)
            .ok()
            .and_then(|p| p.messages)
        else {
            out.flush();
            return Err(Error::failed(
                format!(
                    "the pipeline at {} answered GET /v1/messages without a `messages` list",
                    admin.base
                ),
                None,
            ));
        };
        for m in messages {
            count += 1;
            if !write(&mut out, printer, mode, &LogEnvelope::parse(m.get())) {
                break 'pages;
            }
        }
        if !out.flush() {
            break;
        }
        match a.body.get("next_cursor").and_then(Value::as_str) {
            Some(next) if !next.is_empty() => {
                if cursor.as_deref() == Some(next) {
                    return Err(Error::failed(
                        format!(
                            "the pipeline at {} answered the same cursor twice; stopping",
                            admin.base
                        ),
                        None,
                    ));
                }
                cursor = Some(next.to_owned());
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
    let admin = Admin::new(settings, &admin_args(&args.log_connect))?;
    let url = feed_url(&admin.base, &args.pattern)?;
    let mut request = url.as_str().into_client_request().map_err(|e| {
        Error::invalid(
            format!("`{}` is not a usable pipeline URL: {e}", admin.base),
            Some("e.g. --pipeline-url http://127.0.0.1:8090".into()),
        )
    })?;
    let bearer = format!("Bearer {}", admin.token).parse().map_err(|_| {
        Error::invalid("the admin token has characters a header cannot carry", None)
    })?;
    request
        .headers_mut()
        .insert(reqwest::header::AUTHORIZATION, bearer);
    let (mut ws, _) =
        tokio::time::timeout(HANDSHAKE_TIMEOUT, tokio_tungstenite::connect_async(request))
            .await
            .map_err(|_| {
                Error::failed(
                    format!(
                        "the pipeline at {} did not open the feed within {}s",
                        admin.base,
                        HANDSHAKE_TIMEOUT.as_secs()
                    ),
                    None,
                )
            })?
            .map_err(|e| handshake_error(e, &admin.base))?;
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
        let next = match ws.next().now_or_never() {
            Some(m) => m,
            None => {
                if !out.flush() {
                    break;
                }
                tokio::select! {
                    m = ws.next() => m,
                    _ = &mut ctrl_c => break,
                }
            }
        };
        let text = match next {
            Some(Ok(Message::Text(t))) => t.as_str().to_owned(),
            Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
            Some(Ok(Message::Close(frame))) => {
                out.flush();
                return Err(closed(frame.as_ref()));
            }
            Some(Ok(_)) => continue, // ping, pong: tungstenite answers pings itself
            Some(Err(e)) => {
                out.flush();
                return Err(Error::failed(
                    format!("the feed from {} broke: {e}", admin.base),
                    Some("`arc replay --log --since 5m` shows what was logged meanwhile".into()),
                ));
            }
            None => {
                out.flush();
                return Err(Error::failed(
                    format!(
                        "the pipeline at {} ended the feed without a reason",
                        admin.base
                    ),
                    Some("`arc replay --log --since 5m` shows what was logged meanwhile".into()),
                ));
            }
        };
        let envelope = LogEnvelope::parse(&text);
        seen += 1;
        if !write(&mut out, printer, mode, &envelope) {
            break;
        }
    }
    out.flush();
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
    Ok(ExitStatus::Success)
}

/// The feed's URL: the pipeline's, `ws` for `http`, `wss` for `https`.
fn feed_url(base: &str, pattern: &str) -> Result<String, Error> {
    let ws = if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if base.starts_with("ws://") || base.starts_with("wss://") {
        base.to_owned()
    } else {
        return Err(Error::invalid(
            format!("`{base}` is not an http:// or https:// URL"),
            Some("e.g. --pipeline-url http://127.0.0.1:8090".into()),
        ));
    };
    Ok(format!(
        "{}/v1/feed?subject={}",
        ws.trim_end_matches('/'),
        encode(pattern)
    ))
}

/// Why the feed's handshake failed: the pipeline's refusal, or no pipeline.
fn handshake_error(e: tungstenite::Error, base: &str) -> Error {
    match e {
        tungstenite::Error::Http(resp) => {
            let status = resp.status().as_u16();
            if status < 400 {
                return Error::failed(
                    format!(
                        "the pipeline at {base} answered /v1/feed with HTTP {status}, not a WebSocket"
                    ),
                    Some("is --pipeline-url the pipeline's own address?".into()),
                );
            }
            let text = resp
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let body = serde_json::from_str::<Value>(&text)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| {
                    let line: String = text
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .chars()
                        .take(200)
                        .collect();
                    let line = if line.trim().is_empty() {
                        "the WebSocket handshake was refused".to_owned()
                    } else {
                        line
                    };
                    serde_json::json!({ "error": line })
                });
            query_error(
                Answer {
                    status,
                    etag: None,
                    text: body.to_string(),
                    body,
                },
                base,
                "cannot follow the message log",
            )
        }
        other => Error::failed(
            format!("cannot open the feed of the pipeline at {base}: {other}"),
            Some("is it running? `arc up think` starts it; `arc ps` shows it".into()),
        ),
    }
}

/// The error for a close frame: the server's reason, with what to do about a slow reader.
fn closed(frame: Option<&tungstenite::protocol::CloseFrame>) -> Error {
    let reason = frame
        .map(|f| f.reason.as_str().to_owned())
        .filter(|r| !r.is_empty());
    let hint = reason
        .as_deref()
        .filter(|r| r.starts_with("too slow"))
        .map(|_| {
            "arc read the feed more slowly than messages came: a narrower PATTERN helps; `arc replay --log` shows what was missed"
                .to_owned()
        });
    let why = match (reason, frame) {
        (Some(r), _) => r,
        (None, Some(f)) => format!("close code {}", u16::from(f.code)),
        (None, None) => "no reason given".into(),
    };
    Error::failed(format!("the pipeline closed the feed: {why}"), hint)
}

/// A refusal of the query API as an error; a 404 without a reason means no query API at all.
fn query_error(a: Answer, base: &str, what: &str) -> Error {
    if a.status == 404 && reason(&a.body).is_none() {
        return Error::failed(
            format!("{what}: the pipeline at {base} has no query API (HTTP 404)"),
            Some(
                "run its `query` component (`arc serve --components …,query`), or point --pipeline-url/--server at one that does"
                    .into(),
            ),
        );
    }
    a.into_error(what)
}

/// The `reason` of an API error body.
fn reason(body: &Value) -> Option<&str> {
    body.get("reason").and_then(Value::as_str)
}

/// `--pipeline-url` and `--admin-token` as the admin client's options.
fn admin_args(c: &LogConnectArgs) -> AdminArgs {
    AdminArgs {
        server: c.pipeline_url.clone(),
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

/// One page of `GET /v1/messages`, its envelopes as their text.
#[derive(serde::Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    messages: Option<Vec<&'a RawValue>>,
}

/// An envelope as the API sent it: its fields as values, and its payload as the text it is (a
/// number past 64 bits stays as it was sent).
struct LogEnvelope {
    v: Value,
    payload: Option<Box<RawValue>>,
}

impl LogEnvelope {
    fn parse(text: &str) -> Self {
        #[derive(serde::Deserialize)]
        struct PayloadOnly {
            payload: Option<Box<RawValue>>,
        }
        LogEnvelope {
            v: serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
            payload: serde_json::from_str::<PayloadOnly>(text)
                .ok()
                .and_then(|p| p.payload),
        }
    }
}

/// Writes one envelope; `false` once the reader has gone away.
fn write(out: &mut DataStream, printer: &Printer, mode: Mode, e: &LogEnvelope) -> bool {
    match mode {
        Mode::Json => match serde_json::to_string(&Ordered::of(e)) {
            Ok(s) => out.line(&s),
            Err(_) => true,
        },
        Mode::Raw => match (e.v.get("payload"), &e.payload) {
            (Some(Value::String(s)), _) => out.line(&s.replace('\n', "\\n")),
            (_, Some(p)) => out.line(p.get()),
            _ => out.line(""),
        },
        Mode::Human { .. } => out.line(&human(printer, e)),
    }
}

/// `15:51:52.123 agent.a1.commands alice: {"op":"think"}`.
fn human(printer: &Printer, e: &LogEnvelope) -> String {
    let v = &e.v;
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
    let ts = field("ts");
    let time = DateTime::parse_from_rfc3339(ts).map_or_else(
        |_| ts.to_owned(),
        |t| t.with_timezone(&Utc).format("%H:%M:%S%.3f").to_string(),
    );
    let payload = e.payload.as_ref().map(|p| p.get()).unwrap_or_default();
    format!(
        "{} {} {}: {payload}",
        printer.paint(&time, Style::Dim),
        printer.paint(field("subject"), Style::Bold),
        field("sender"),
    )
}

/// An envelope with its fields in the documented order (then any others), whatever order the
/// JSON map keeps them in.
#[derive(Serialize)]
#[serde(untagged)]
enum Ordered<'a> {
    Envelope {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        subject: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        topic: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ts: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        source: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sender: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        headers: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        payload: Option<&'a RawValue>,
        #[serde(flatten)]
        rest: BTreeMap<&'a str, &'a Value>,
    },
    Other(&'a Value),
}

impl<'a> Ordered<'a> {
    const FIELDS: [&'static str; 8] = [
        "id", "subject", "topic", "ts", "source", "sender", "headers", "payload",
    ];

    fn of(e: &'a LogEnvelope) -> Self {
        let Some(m) = e.v.as_object() else {
            return Self::Other(&e.v);
        };
        Self::Envelope {
            id: m.get("id"),
            subject: m.get("subject"),
            topic: m.get("topic"),
            ts: m.get("ts"),
            source: m.get("source"),
            sender: m.get("sender"),
            headers: m.get("headers"),
            payload: e.payload.as_deref(),
            rest: m
                .iter()
                .filter(|(k, _)| !Self::FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v))
                .collect(),
        }
    }
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

/// Percent-encodes everything but RFC 3986's unreserved characters (a path segment or a query
/// value).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn encode_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
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
    fn query_values_and_ids_are_encoded() {
        assert_eq!(encode("agent.*.commands"), "agent.%2A.commands");
        assert_eq!(encode(">"), "%3E");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(
            encode_query(&[
                ("subject", "a.>".into()),
                ("since", "2026-11-23T10:00:00.000Z".into())
            ]),
            "subject=a.%3E&since=2026-11-23T10%3A00%3A00.000Z"
        );
        assert_eq!(
            feed_url("http://127.0.0.1:8090/", "agent.>").unwrap(),
            "ws://127.0.0.1:8090/v1/feed?subject=agent.%3E"
        );
        assert_eq!(
            feed_url("https://p.example", ">").unwrap(),
            "wss://p.example/v1/feed?subject=%3E"
        );
        assert!(feed_url("nats://127.0.0.1:4222", ">").is_err());
    }

    #[test]
    fn envelopes_print_in_the_documented_order() {
        let e = LogEnvelope::parse(
            r#"{"payload":{"op":"think"},"ts":"2026-11-23T15:51:52.123Z","id":"x","extra":1,
                "subject":"agent.a1.commands","sender":"alice","source":"http","topic":"commands",
                "headers":{}}"#,
        );
        assert_eq!(
            serde_json::to_string(&Ordered::of(&e)).unwrap(),
            r#"{"id":"x","subject":"agent.a1.commands","topic":"commands","ts":"2026-11-23T15:51:52.123Z","source":"http","sender":"alice","headers":{},"payload":{"op":"think"},"extra":1}"#
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
        let e = LogEnvelope::parse(
            r#"{"id":"x","subject":"a","payload":{"n": 12345678901234567890123, "f": 1.50}}"#,
        );
        let out = serde_json::to_string(&Ordered::of(&e)).unwrap();
        assert!(
            out.ends_with(r#""payload":{"n": 12345678901234567890123, "f": 1.50}}"#),
            "{out}"
        );
    }
}
