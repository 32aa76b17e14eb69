//! Thin HTTP wiring shared by the example binaries and their end-to-end tests.
//!
//! Everything protocol-specific lives in the crates; this only moves bytes between axum and
//! the sans-IO pieces.

pub mod core;
pub mod dash;
pub mod kernel;
pub mod limits;
pub mod nodepass;
pub mod secrets;
pub mod telemt;

use nodewire_common::Endpoint;
use nodewire_common::client::{Client, ClientError};
use nodewire_common::secret::redact_query;

/// Sends `endpoint` with `client`, printing the request line and body, then the status and the
/// response body (bodies longer than `max` characters are cut), and decodes the answer.
///
/// What is printed has its credentials redacted: the query's, and the JSON bodies' by the
/// protocol's [`redact_body`](nodewire_common::Protocol::redact_body).
pub async fn exchange<E: Endpoint>(
    client: &Client,
    endpoint: &E,
    max: usize,
) -> Result<nodewire_common::endpoint::Outcome<E>, ClientError<std::convert::Infallible>> {
    let redact = <E::Protocol as nodewire_common::Protocol>::redact_body;
    let request = endpoint.try_into_http_request(client.base_url())?;
    let mut line = format!("→ {} {}", request.method(), request.uri().path());
    if let Some(q) = request.uri().query() {
        line.push('?');
        line.push_str(&redact_query(q));
    }
    if let Some(rev) = request.headers().get(http::header::IF_MATCH) {
        line.push_str(&format!("  (If-Match: {})", rev.to_str().unwrap_or("?")));
    }
    println!("{line}");
    if !request.body().is_empty() {
        println!("  {}", cut(&printable(request.body(), redact), max));
    }
    let response = client.send_raw(request).await?;
    println!(
        "← {}  {}",
        response.status(),
        cut(&printable(response.body(), redact), max)
    );
    Ok(E::try_from_http_response(&response))
}

/// A body as it may be printed: JSON after `redact`; other text as it is.
fn printable(body: &[u8], redact: fn(&mut serde_json::Value)) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let head: String = text.chars().take(max).collect();
        format!("{head}… ({} bytes)", text.len())
    }
}
