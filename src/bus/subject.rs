//! Validates NATS subjects, subject patterns and stream names before anything connects.

use super::BusError;

fn invalid(what: &'static str, input: &str, reason: impl Into<String>, example: &str) -> BusError {
    BusError::Invalid {
        what,
        input: input.to_owned(),
        reason: reason.into(),
        example: example.to_owned(),
    }
}

fn tokens<'a>(what: &'static str, s: &'a str, example: &str) -> Result<Vec<&'a str>, BusError> {
    if s.is_empty() {
        return Err(invalid(what, s, "it is empty", example));
    }
    if let Some(c) = s.chars().find(|c| c.is_whitespace()) {
        return Err(invalid(
            what,
            s,
            format!("it contains whitespace ({c:?})"),
            example,
        ));
    }
    let toks: Vec<&str> = s.split('.').collect();
    if toks.iter().any(|t| t.is_empty()) {
        return Err(invalid(
            what,
            s,
            "it has an empty token (a leading, trailing or doubled `.`)",
            example,
        ));
    }
    if s.starts_with('$') {
        return Err(invalid(
            what,
            s,
            "subjects starting with `$` are reserved for the server (`$JS`, `$SYS`)",
            example,
        ));
    }
    Ok(toks)
}

/// A subject to publish to: no wildcards.
pub fn publish(subject: &str) -> Result<(), BusError> {
    const EX: &str = "`agent.events.created`";
    let toks = tokens("subject", subject, EX)?;
    if toks.iter().any(|t| t.contains('*') || t.contains('>')) {
        return Err(invalid(
            "subject",
            subject,
            "wildcards (`*`, `>`) are for subscribing, not publishing",
            EX,
        ));
    }
    Ok(())
}

/// A subject pattern to subscribe to: `*` as a whole token, `>` as the whole last token.
pub(crate) fn pattern(pattern: &str) -> Result<(), BusError> {
    const EX: &str = "`agent.*.created` or `agent.events.>`";
    let toks = tokens("subject pattern", pattern, EX)?;
    for (i, t) in toks.iter().enumerate() {
        if t.contains('>') && (*t != ">" || i + 1 != toks.len()) {
            return Err(invalid(
                "subject pattern",
                pattern,
                "`>` must be a whole token and the last one",
                EX,
            ));
        }
        if t.contains('*') && *t != "*" {
            return Err(invalid(
                "subject pattern",
                pattern,
                "`*` must be a whole token",
                EX,
            ));
        }
    }
    Ok(())
}

/// A JetStream stream name.
pub(crate) fn stream_name(name: &str) -> Result<(), BusError> {
    const EX: &str = "`AGENT_EVENTS`";
    if name.is_empty() {
        return Err(invalid("stream name", name, "it is empty", EX));
    }
    if name.len() > 255 {
        return Err(invalid(
            "stream name",
            name,
            "it is longer than 255 characters",
            EX,
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '.' | '*' | '>' | '/' | '\\'))
    {
        return Err(invalid(
            "stream name",
            name,
            format!("it contains {c:?}; names may not hold whitespace, `.`, `*`, `>`, `/` or `\\`"),
            EX,
        ));
    }
    Ok(())
}

/// Whether `subject` matches `pattern` (NATS wildcards).
pub(crate) fn matches(pattern: &str, subject: &str) -> bool {
    let mut p = pattern.split('.');
    let mut s = subject.split('.');
    loop {
        match (p.next(), s.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<(), BusError>) -> String {
        match r {
            Err(BusError::Invalid { reason, .. }) => reason,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn publish_subjects() {
        assert!(publish("agent.events.created").is_ok());
        assert!(publish("a").is_ok());
        assert_eq!(reason(publish("")), "it is empty");
        assert_eq!(
            reason(publish("a..b")),
            "it has an empty token (a leading, trailing or doubled `.`)"
        );
        assert_eq!(
            reason(publish(".a")),
            "it has an empty token (a leading, trailing or doubled `.`)"
        );
        assert_eq!(reason(publish("a b")), "it contains whitespace (' ')");
        assert_eq!(
            reason(publish("a.*")),
            "wildcards (`*`, `>`) are for subscribing, not publishing"
        );
        assert!(reason(publish("$SYS.x")).contains("reserved"));
    }

    #[test]
    fn subscribe_patterns() {
        assert!(pattern(">").is_ok());
        assert!(pattern("a.*.c").is_ok());
        assert!(pattern("a.>").is_ok());
        assert_eq!(
            reason(pattern("a.>.c")),
            "`>` must be a whole token and the last one"
        );
        assert_eq!(
            reason(pattern("a.b>")),
            "`>` must be a whole token and the last one"
        );
        assert_eq!(reason(pattern("a.b*")), "`*` must be a whole token");
    }

    #[test]
    fn stream_names() {
        assert!(stream_name("AGENT_EVENTS").is_ok());
        assert!(reason(stream_name("AGENT.EVENTS")).contains("'.'"));
        assert_eq!(reason(stream_name("")), "it is empty");
    }

    #[test]
    fn wildcard_matching() {
        assert!(matches(">", "a.b"));
        assert!(matches("a.*", "a.b"));
        assert!(!matches("a.*", "a.b.c"));
        assert!(matches("a.>", "a.b.c"));
        assert!(!matches("a.>", "a"));
        assert!(matches("a.b", "a.b"));
    }
}
