//! The one duration grammar of every file and flag: `90s`, `1h30m`, `500ms`, `7d`, `2w`
//! (humantime's units: `ns`, `us`, `ms`, `s`, `m`, `h`, `d`, `w`, and their long forms), or a
//! bare number of seconds. Printing gives humantime's long form (`1h 30m`, `7days`), which
//! parses back to the same duration. `--since`'s "ago" and retention times use it too.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

/// Parses `90s`, `1m30s`, `500ms`, `2h`; a bare number means seconds.
pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    if text.starts_with('-') {
        return Err(format!("`{text}`: a duration cannot be negative"));
    }
    humantime::parse_duration(text).map_err(|e| match e {
        // humantime's own words list the units; its other errors name byte offsets.
        humantime::DurationError::UnknownUnit { .. } => {
            format!("`{text}` is not a duration ({e}); write e.g. `500ms`, `30s`, `2m`")
        }
        humantime::DurationError::NumberOverflow => format!("`{text}` is too long a duration"),
        _ => format!("`{text}` is not a duration; write e.g. `500ms`, `30s`, `2m`"),
    })
}

/// [`parse`] for a timeout, deadline or wait, where zero makes no sense (`--timeout 0` would
/// give up before asking).
pub(crate) fn parse_positive(text: &str) -> Result<Duration, String> {
    let d = parse(text)?;
    if d.is_zero() {
        return Err(format!(
            "`{text}`: the time must be more than zero; write e.g. `500ms`, `30s`, `2m`"
        ));
    }
    Ok(d)
}

/// Formats a duration the way it is written in YAML.
pub(crate) fn format(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*d))
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Secs(u64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Secs(s) => Ok(Duration::from_secs(s)),
        Raw::Text(t) => parse(&t).map_err(serde::de::Error::custom),
    }
}

/// `Option<Duration>` in overlays.
pub(crate) mod option {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super")] Duration);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("2"), Ok(Duration::from_secs(2)));
        assert!(parse("soon")
            .unwrap_err()
            .contains("`soon` is not a duration"));
        assert_eq!(parse("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse("2w"), Ok(Duration::from_secs(14 * 86_400)));
    }

    #[test]
    fn zero_and_negative_are_refused_where_they_make_no_sense() {
        assert!(parse("-5s").unwrap_err().contains("cannot be negative"));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert!(parse_positive("0").unwrap_err().contains("more than zero"));
        assert!(parse_positive("0ms")
            .unwrap_err()
            .contains("more than zero"));
        assert_eq!(parse_positive("1ms"), Ok(Duration::from_millis(1)));
        // No parser internals (byte offsets) in the words.
        let e = parse("1x2").unwrap_err();
        assert!(!e.contains(" at "), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn what_is_printed_parses_back(secs in 0_u64..10_000_000_000, nanos in 0_u32..1_000_000_000) {
            let d = Duration::new(secs, nanos);
            proptest::prop_assert_eq!(parse(&format(d)), Ok(d));
        }
    }
}
