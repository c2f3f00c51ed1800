//! Why the pipeline refused a request, or could not tell what became of it: one variant per
//! HTTP status, with the reason the producer is told and the label `/metrics` counts it under.

use std::time::Duration;

use super::envelope::Malformed;

/// Whose size limit a message is over.
#[derive(Debug, Clone, PartialEq)]
pub enum LimitBy {
    /// NATS's `max_payload`.
    Nats,
    /// The topic's `max_bytes`.
    Topic(String),
    /// The `max_msg_size` of the stream that captures the subject.
    Stream(String),
    /// JetStream's own limit on a stored message's header block (any stream).
    StreamHeaders(String),
}

/// Why a request was refused; each maps to one HTTP status.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// 400
    Malformed {
        index: Option<usize>,
        field: String,
        reason: String,
    },
    /// 401
    Unauthenticated(String),
    /// 403
    Forbidden {
        index: Option<usize>,
        reason: String,
        kind: &'static str,
    },
    /// 409: the producer's id already names another message.
    Conflict {
        index: Option<usize>,
        id: String,
        reason: String,
    },
    /// 413
    TooLarge {
        index: Option<usize>,
        /// Payload and headers as NATS gets them.
        size: usize,
        headers: usize,
        limit: usize,
        /// Whose limit `limit` is.
        by: LimitBy,
    },
    /// 422: the backbone refused the message for good (JetStream answered that its stream will
    /// not store it: a sealed stream, one that denies, an expectation that does not hold), or
    /// no stream captures the subject of a durable topic. Asking again cannot help; changing the
    /// message or the backbone can.
    Refused {
        index: Option<usize>,
        /// JetStream's error code (`err_code`), when it gave one.
        code: Option<u64>,
        reason: String,
    },
    /// 429
    RateLimited {
        retry_after: Duration,
        reason: String,
    },
    /// 503
    Unavailable { reason: String, kind: &'static str },
    /// 504: not a refusal. The backbone did not say whether it stored the messages (JetStream's
    /// acknowledgement did not come within the request's deadline, though the pipeline asked
    /// again with the same `Nats-Msg-Id`): they may be stored. A retry with the same `ids`
    /// lands exactly once (JetStream drops it as a duplicate within the stream's
    /// `duplicate_window`; the log keys on the id).
    Unknown { reason: String, ids: Vec<String> },
    /// Part of a batch is delivered: the backbone took `accepted` (on NATS and queued for the
    /// log, like any 2xx), not the `failed` ones (each with its place, id and refusal); the
    /// `not_sent` ones never left. The status is the first failure's.
    Partial {
        accepted: Vec<String>,
        failed: Vec<(usize, String, Box<Rejection>)>,
        not_sent: Vec<String>,
    },
}

impl Rejection {
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Malformed { .. } => 400,
            Rejection::Unauthenticated(_) => 401,
            Rejection::Forbidden { .. } => 403,
            Rejection::Conflict { .. } => 409,
            Rejection::TooLarge { .. } => 413,
            Rejection::Refused { .. } => 422,
            Rejection::RateLimited { .. } => 429,
            Rejection::Unavailable { .. } => 503,
            Rejection::Unknown { .. } => 504,
            Rejection::Partial { failed, .. } => failed.first().map_or(503, |(_, _, r)| r.status()),
        }
    }

    /// The metrics label.
    pub fn reason_label(&self) -> &'static str {
        match self {
            Rejection::Malformed { .. } => "malformed",
            Rejection::Unauthenticated(_) => "unauthenticated",
            Rejection::Forbidden { kind, .. } | Rejection::Unavailable { kind, .. } => kind,
            Rejection::Conflict { .. } => "id_conflict",
            Rejection::TooLarge { .. } => "too_large",
            Rejection::Refused { .. } => "backbone_refused",
            Rejection::RateLimited { .. } => "rate_limited",
            Rejection::Unknown { .. } => "outcome_unknown",
            Rejection::Partial { .. } => "partial",
        }
    }

    /// What an acknowledgement frame (WebSocket, NATS ingress) says happened: `rejected`, or
    /// `unknown` when the backbone did not say.
    pub fn verdict(&self) -> &'static str {
        match self {
            Rejection::Unknown { .. } => "unknown",
            Rejection::Partial { .. } => "partial",
            _ => "rejected",
        }
    }

    pub fn message(&self) -> String {
        let at = |i: &Option<usize>| i.map(|i| format!("message {i}: ")).unwrap_or_default();
        match self {
            Rejection::Malformed {
                index,
                field,
                reason,
            } if field == "$" => format!("{}{reason}", at(index)),
            Rejection::Malformed {
                index,
                field,
                reason,
            } => format!("{}`{field}`: {reason}", at(index)),
            Rejection::Unauthenticated(r) => r.clone(),
            Rejection::Forbidden { index, reason, .. } => format!("{}{reason}", at(index)),
            Rejection::TooLarge {
                index,
                size,
                headers,
                limit,
                by,
            } => {
                let by = match by {
                    LimitBy::Topic(t) => format!("topic `{t}` allows {limit}"),
                    LimitBy::Nats => format!("NATS accepts at most {limit} (its `max_payload`)"),
                    LimitBy::Stream(s) => format!(
                        "stream `{s}`, which captures the subject, stores at most {limit} (its `max_msg_size`)"
                    ),
                    LimitBy::StreamHeaders(s) => format!(
                        "stream `{s}`, which captures the subject, stores at most {limit} bytes of headers (JetStream's limit on every stream)"
                    ),
                };
                format!(
                    "{}the message is {size} bytes as sent (payload {}, headers {headers}); {by}",
                    at(index),
                    size - headers
                )
            }
            Rejection::Conflict { index, reason, .. } => format!("{}{reason}", at(index)),
            Rejection::Refused { index, reason, .. } => {
                format!("{}{reason}; asking again cannot help", at(index))
            }
            Rejection::RateLimited { reason, .. } => reason.clone(),
            Rejection::Unavailable { reason, .. } => reason.clone(),
            Rejection::Unknown { reason, .. } => format!(
                "{reason}: the messages may be stored; retry with the same ids (they are stored once)"
            ),
            Rejection::Partial {
                accepted,
                failed,
                not_sent,
            } => {
                let first = failed
                    .first()
                    .map(|(i, id, r)| format!("; message {i} (`{id}`): {}", r.message()))
                    .unwrap_or_default();
                format!(
                    "{} of {} messages accepted (on NATS and queued for the log), {} failed, {} not sent{first}; retry the failed and unsent ones with their ids (an accepted one sent again is stored once)",
                    accepted.len(),
                    accepted.len() + failed.len() + not_sent.len(),
                    failed.len(),
                    not_sent.len()
                )
            }
        }
    }

    /// The JSON body of an error answer.
    pub fn body(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "error": self.message(),
            "reason": self.reason_label(),
        });
        match self {
            Rejection::Malformed { index, field, .. } => {
                v["field"] = field.clone().into();
                if let Some(i) = index {
                    v["index"] = (*i).into();
                }
            }
            Rejection::Forbidden { index: Some(i), .. } => v["index"] = (*i).into(),
            Rejection::TooLarge {
                index, limit, by, ..
            } => {
                if let Some(i) = index {
                    v["index"] = (*i).into();
                }
                v["limit"] = (*limit).into();
                if let LimitBy::Stream(s) | LimitBy::StreamHeaders(s) = by {
                    v["stream"] = s.clone().into();
                }
            }
            Rejection::Conflict { index, id, .. } => {
                if let Some(i) = index {
                    v["index"] = (*i).into();
                }
                v["id"] = id.clone().into();
            }
            Rejection::Refused { index, code, .. } => {
                if let Some(i) = index {
                    v["index"] = (*i).into();
                }
                if let Some(c) = code {
                    v["jetstream_code"] = (*c).into();
                }
            }
            Rejection::RateLimited { retry_after, .. } => {
                v["retry_after_ms"] = u64::try_from(retry_after.as_millis())
                    .unwrap_or(u64::MAX)
                    .into();
            }
            Rejection::Unknown { ids, .. } => v["ids"] = ids.clone().into(),
            Rejection::Partial {
                accepted,
                failed,
                not_sent,
            } => {
                v["accepted"] = accepted.clone().into();
                v["failed"] = failed
                    .iter()
                    .map(|(i, id, r)| {
                        serde_json::json!({
                            "index": i,
                            "id": id,
                            "status": r.status(),
                            "reason": r.reason_label(),
                            "error": r.message(),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into();
                v["not_sent"] = not_sent.clone().into();
            }
            _ => {}
        }
        v
    }

    /// Names the ids an unknown outcome is about (the batch's, once the pipeline knows them).
    pub(super) fn with_ids(self, batch: &[String]) -> Self {
        match self {
            Rejection::Unknown { reason, .. } => Rejection::Unknown {
                reason,
                ids: batch.to_vec(),
            },
            r => r,
        }
    }

    /// The refusal of the message at `at` in its batch (`None`: not a batch).
    pub(super) fn at(mut self, at: Option<usize>) -> Self {
        match &mut self {
            Rejection::Malformed { index, .. }
            | Rejection::Forbidden { index, .. }
            | Rejection::Conflict { index, .. }
            | Rejection::TooLarge { index, .. }
            | Rejection::Refused { index, .. }
                if index.is_none() =>
            {
                *index = at;
            }
            _ => {}
        }
        self
    }

    pub(super) fn malformed(index: Option<usize>, m: Malformed) -> Self {
        Rejection::Malformed {
            index,
            field: m.field,
            reason: m.reason,
        }
    }

    pub(super) fn unavailable(reason: impl Into<String>) -> Self {
        Rejection::Unavailable {
            reason: reason.into(),
            kind: "unavailable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Rejection;

    /// Issue 22: an unknown outcome is a 504 that names the batch's ids and says to retry with
    /// them; it is not a refusal in an acknowledgement frame.
    #[test]
    fn an_unknown_outcome_names_the_ids_to_retry_with() {
        let r = Rejection::Unknown {
            reason: "JetStream did not say".into(),
            ids: Vec::new(),
        }
        .with_ids(&["a".to_owned(), "b".to_owned()]);
        assert_eq!(r.status(), 504);
        assert_eq!(r.verdict(), "unknown");
        let body = r.body();
        assert_eq!(body["reason"], "outcome_unknown");
        assert_eq!(body["ids"], serde_json::json!(["a", "b"]));
        assert!(body["error"]
            .as_str()
            .unwrap()
            .contains("retry with the same ids"));
        // Other rejections keep what they were.
        let refused = Rejection::unavailable("down").with_ids(&["a".to_owned()]);
        assert_eq!(refused.status(), 503);
        assert_eq!(refused.verdict(), "rejected");
        assert!(refused.body().get("ids").is_none());
    }
}
