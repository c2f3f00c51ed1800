//! Browser requests on an open ingress (no identities configured): a web page the developer
//! opens must not be able to publish through the pipeline. A request whose `Origin` is not the
//! pipeline's own (the scheme's host and port that the request's `Host` names) is refused with
//! 403; a browser's POST whose content type is not JSON is refused with 415 (a page can send
//! `text/plain`, a form or `multipart/form-data` anywhere without asking first). Clients that
//! are not browsers send no `Origin`: curl, the CLI and the SDKs are not affected (curl's
//! default `-d` type, `application/x-www-form-urlencoded`, stays accepted from them).

use axum::http::{header, HeaderMap, StatusCode};

use super::ApiError;

/// Refuses a cross-origin request (403 `cross_origin`).
pub(crate) fn same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("");
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if is_same(origin, host) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "cross_origin",
        format!(
            "a page at `{origin}` may not publish through the pipeline at `{host}`: with no identities configured only its own origin may; configure identities (tokens) to publish from elsewhere"
        ),
    ))
}

/// Refuses a browser's POST whose body is not declared JSON (415 `unsupported_media_type`).
pub(crate) fn json_body(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let raw = ct.to_str().unwrap_or("");
    let media = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let json = media == "application/json"
        || media.ends_with("+json")
        || media == "application/x-ndjson"
        || media == "application/jsonl";
    let browser = headers.contains_key(header::ORIGIN) || headers.contains_key("sec-fetch-site");
    if json || (media == "application/x-www-form-urlencoded" && !browser) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!(
            "a body of type `{raw}` is not taken: send Content-Type: application/json (an envelope or an array of them) or application/x-ndjson"
        ),
    ))
}

/// Whether `origin` (`scheme://host[:port]`) names the same host and port as `host` (a `Host`
/// header), the port defaulting to the origin scheme's.
fn is_same(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => return false,
    };
    match (split(authority, default), split(host, default)) {
        (Some((oh, op)), Some((hh, hp))) => op == hp && oh.eq_ignore_ascii_case(hh),
        _ => false,
    }
}

/// `host[:port]` or `[v6][:port]`: the host and the port (else `default`).
fn split(authority: &str, default: u16) -> Option<(&str, u16)> {
    if authority.is_empty() || authority.contains(['/', '@', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    (!host.is_empty()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_the_pipelines_own_origin_passes() {
        assert!(is_same("http://127.0.0.1:8090", "127.0.0.1:8090"));
        assert!(is_same("http://LocalHost", "localhost:80"));
        assert!(is_same("https://[::1]:9000", "[::1]:9000"));
        assert!(!is_same("http://127.0.0.1:3000", "127.0.0.1:8090"));
        assert!(!is_same("http://evil.example", "127.0.0.1:8090"));
        assert!(!is_same("null", "127.0.0.1:8090"));
        assert!(same_origin(&headers(&[("host", "a:1")])).is_ok());
        assert!(same_origin(&headers(&[("host", "a:1"), ("origin", "http://a:1")])).is_ok());
        let e = same_origin(&headers(&[("host", "a:1"), ("origin", "http://b:1")])).unwrap_err();
        assert_eq!(e.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn browsers_may_post_only_json_and_curl_keeps_its_default() {
        assert!(json_body(&headers(&[])).is_ok());
        assert!(json_body(&headers(&[(
            "content-type",
            "application/json; charset=utf-8"
        )]))
        .is_ok());
        assert!(json_body(&headers(&[("content-type", "application/x-ndjson")])).is_ok());
        assert!(json_body(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded"
        )]))
        .is_ok());
        for ct in ["text/plain", "multipart/form-data; boundary=x"] {
            let e = json_body(&headers(&[("content-type", ct)])).unwrap_err();
            assert_eq!(e.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
        }
        let form_from_a_page = headers(&[
            ("content-type", "application/x-www-form-urlencoded"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert!(json_body(&form_from_a_page).is_err());
    }
}
