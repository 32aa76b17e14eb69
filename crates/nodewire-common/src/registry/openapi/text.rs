//! The words of a document: an operation's summary, a response's description.

use http::StatusCode;

use super::super::{ResponseStatus, Route};
use crate::endpoint::Metadata;

/// What an answer with `status` is.
pub(super) fn status_description(
    route: Option<&Route>,
    status: ResponseStatus,
    body: bool,
) -> String {
    let code = match status {
        ResponseStatus::Default if body => return "Any other status: the error body.".into(),
        ResponseStatus::Default => return "Any other status.".into(),
        ResponseStatus::Code(code) => code,
    };
    let reason = StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or_else(|| format!("Status {code}"), str::to_owned);
    let Some(route) = route else {
        return format!("{reason}: the error body.");
    };
    let is = |list: &[StatusCode]| list.iter().any(|s| s.as_u16() == code);
    if is(route.success) {
        match route.response_body {
            crate::ResponseBody::WebSocket => {
                format!("{reason}: the connection becomes a WebSocket.")
            }
            _ if !body => format!("{reason}: no body."),
            _ => format!("{reason}."),
        }
    } else if is(route.success_or_error) {
        format!("{reason}: the success body or the error body.")
    } else if body {
        format!("{reason}: the error body.")
    } else {
        format!("{reason}.")
    }
}

/// A one-line summary of a route: the first sentence of its docs, without a leading
/// `` `GET /path`: ``; its name in words when that leaves nothing.
pub(super) fn summary(doc: &str, m: &Metadata) -> String {
    let mut text = doc;
    if let Some(rest) = doc.strip_prefix('`')
        && let Some(end) = rest.find('`')
        && rest
            .get(..end)
            .is_some_and(|span| span.starts_with(m.method.as_str()) && span.contains('/'))
    {
        let after = rest.get(end + 1..).unwrap_or_default();
        text = after.strip_prefix(':').unwrap_or_default();
    }
    let paragraph = text
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace('\n', " ");
    let sentence = match paragraph.find(". ") {
        Some(end) => paragraph.get(..end).unwrap_or_default(),
        None => paragraph.as_str(),
    };
    let sentence = sentence.trim().trim_end_matches('.');
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words(m.name),
    }
}

/// `GetRuntimeMePoolState` as `Get runtime me pool state`.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
