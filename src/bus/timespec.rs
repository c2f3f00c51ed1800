//! The one time grammar of `--since` and `--until` across backends: a duration ago (`90s`,
//! `1h30m`, `2d`), an RFC 3339 time, or unix seconds or milliseconds.

use chrono::{DateTime, TimeZone, Utc};

use super::BusError;

/// Parses `text` relative to `now`.
pub(crate) fn parse(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, BusError> {
    let t = text.trim();
    let bad = |reason: String| {
        BusError::Invalid {
        what: "time",
        input: text.to_owned(),
        reason,
        example: "`90s`, `1h` (ago), `2026-11-23T10:00:00Z`, `1763892000` (unix seconds) or `1763892000000` (unix ms)".into(),
    }
    };
    if t.is_empty() {
        return Err(bad("it is empty".into()));
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t
            .parse()
            .map_err(|_| bad("the number is too large".into()))?;
        // Ten digits are seconds until the year 2286; thirteen are milliseconds.
        let when = if n >= 100_000_000_000 {
            Utc.timestamp_millis_opt(n).single()
        } else {
            Utc.timestamp_opt(n, 0).single()
        };
        return when.ok_or_else(|| bad("it is out of range".into()));
    }
    if let Ok(ts) = DateTime::parse_from_rfc3339(t) {
        return Ok(ts.with_timezone(&Utc));
    }
    match crate::spec::duration::parse(t) {
        Ok(d) => {
            let d = chrono::Duration::from_std(d)
                .map_err(|_| bad("the duration is too long".into()))?;
            now.checked_sub_signed(d)
                .ok_or_else(|| bad("the duration is too long".into()))
        }
        Err(_) => Err(bad(
            "it is neither a duration, an RFC 3339 time, nor unix seconds or milliseconds".into(),
        )),
    }
}

/// [`parse`] relative to now, for a clap value parser (`arc logs --since`): the error names the
/// input, why, and the forms to write.
pub(crate) fn parse_flag(text: &str) -> Result<DateTime<Utc>, String> {
    parse(text, Utc::now()).map_err(|e| match e.hint() {
        Some(h) => format!("{e}; {h}"),
        None => e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(
            parse("90s", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 23, 11, 58, 30).unwrap()
        );
        assert_eq!(
            parse("1h", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap()
        );
        assert_eq!(
            parse("2026-11-23T10:00:00+01:00", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
        );
        assert_eq!(parse("1763892000", now).unwrap().timestamp(), 1_763_892_000);
        assert_eq!(
            parse("1763892000123", now).unwrap().timestamp_millis(),
            1_763_892_000_123
        );
    }

    #[test]
    fn bad_input_explains_with_examples() {
        let now = Utc::now();
        let e = parse("yesterday", now).unwrap_err();
        assert!(e.to_string().contains("`yesterday` is not valid"), "{e}");
        assert!(e.hint().unwrap().contains("`90s`"));
        assert!(parse("", now).is_err());
    }
}
