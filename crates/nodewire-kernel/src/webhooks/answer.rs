//! What a panel does with a callback it accepted: the answer it sends, and the callback
//! described for a log.

use std::fmt;

use bytes::Bytes;
use http::StatusCode;
use nodewire_common::Endpoint;
use nodewire_common::server::Escaped;
use serde_json::Value;

use super::{
    KernelNodeEventResponse, KernelServiceEventRequest, KernelServiceEventResponse,
    KernelTrafficIngestResponse, PostKernelEvent, PostKernelServiceEvent, PostKernelTraffic,
    Webhook, WebhookFailure,
};
use crate::auth::redact_secrets;
use crate::envelope::Reply;
use crate::registrations::ServiceEventKind;

/// The bytes used of a `user_traffic_reported` event (`current.used`), when the event is one.
fn traffic_used(body: &KernelServiceEventRequest) -> Option<u64> {
    if body.normalized_event() != ServiceEventKind::UserTrafficReported.normalized() {
        return None;
    }
    body.traffic_reported().ok()?.current?.used
}

fn or_dash(id: Option<u64>) -> String {
    id.map_or_else(|| "-".to_owned(), |id| id.to_string())
}

impl Webhook {
    /// The panel's answer (contract §7.3) as a panel that knows every subscription gives
    /// it: a node event `{"status":"ignored"}` (the panel only logs it); a traffic batch
    /// `{"accepted":<records>,"failed":0}`; a service event `{"status":"accepted",
    /// "accepted":1}` when it is `user_traffic_reported` with `current.used`, else
    /// `{"status":"ignored"}`. Every answer is `200 application/json`.
    ///
    /// ```
    /// use nodewire_kernel::webhooks::Webhook;
    /// let request = http::Request::post("/api/v1/kernel/traffic")
    ///     .header("content-type", "application/json")
    ///     .body(bytes::Bytes::from_static(br#"{"records":[{"user_id":7,"bytes_up":1,"bytes_down":2}]}"#))
    ///     .unwrap();
    /// let webhook = Webhook::from_http(&request, None).unwrap();
    /// let answer = webhook.answer();
    /// assert_eq!(answer.status(), 200);
    /// assert_eq!(&answer.body()[..], br#"{"accepted":1,"failed":0}"#);
    /// assert_eq!(webhook.to_string(), "traffic: user 7 subscription - -: up 1 B, down 2 B");
    /// ```
    pub fn answer(&self) -> http::Response<Bytes> {
        let response = match self {
            Self::NodeEvent(_) => PostKernelEvent::try_into_http_response(&Reply::json(
                KernelNodeEventResponse::ignored(),
            )),
            Self::Traffic(call) => {
                let accepted = u64::try_from(call.body.records.len()).unwrap_or(u64::MAX);
                PostKernelTraffic::try_into_http_response(&Reply::json(
                    KernelTrafficIngestResponse::new(accepted, 0),
                ))
            }
            Self::ServiceEvent(call) => {
                let body = match traffic_used(&call.body) {
                    Some(_) => KernelServiceEventResponse::accepted(1),
                    None => KernelServiceEventResponse::ignored(),
                };
                PostKernelServiceEvent::try_into_http_response(&Reply::json(body))
            }
        };
        response.unwrap_or_else(|_| {
            WebhookFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
                .into_response()
        })
    }

    /// The callback's body as JSON text (as decoded: the shape it arrived in is not kept).
    /// It is the peer's text as it came, secrets included: for a log, use
    /// [`to_log_json`](Self::to_log_json).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::NodeEvent(call) => serde_json::to_string(&call.body),
            Self::Traffic(call) => serde_json::to_string(&call.body),
            Self::ServiceEvent(call) => serde_json::to_string(&call.body),
        }
    }

    /// The callback's body as one line of JSON for a log: a base64 `payload` shown as the
    /// object it holds, every credential member redacted
    /// ([`redact_secrets`]), and the text shown through
    /// [`Escaped`] (no control character, line break or escape sequence; a backslash doubled;
    /// at most `max_chars` characters).
    ///
    /// ```
    /// use nodewire_kernel::webhooks::Webhook;
    /// let request = http::Request::post("/api/v1/kernel/service-events")
    ///     .header("content-type", "application/json")
    ///     .body(bytes::Bytes::from_static(
    ///         br#"{"event":"user.created","payload":{"username":"a\u001b[2J","password":"hunter2"}}"#,
    ///     ))
    ///     .unwrap();
    /// let webhook = Webhook::from_http(&request, None).unwrap();
    /// let line = webhook.to_log_json(4096);
    /// assert!(!line.contains("hunter2") && !line.contains('\u{1b}'));
    /// assert!(line.contains(r#""password":"[redacted]""#));
    /// ```
    pub fn to_log_json(&self, max_chars: usize) -> String {
        let value = match self {
            Self::NodeEvent(call) => serde_json::to_value(&call.body),
            Self::Traffic(call) => serde_json::to_value(&call.body),
            Self::ServiceEvent(call) => serde_json::to_value(&call.body).map(|mut value| {
                if let (Value::Object(body), Ok(payload)) = (&mut value, call.body.payload_object())
                {
                    body.insert("payload".to_owned(), Value::Object(payload));
                }
                value
            }),
        };
        let mut value = value.unwrap_or(Value::Null);
        redact_secrets(&mut value);
        Escaped::new(&value.to_string())
            .max_chars(max_chars)
            .to_string()
    }
}

/// Text from the peer in a log line: escaped, and cut after 128 characters.
fn peer(text: &str) -> Escaped<'_> {
    Escaped::new(text).max_chars(128)
}

/// How many traffic records a log line lists.
const RECORDS_SHOWN: usize = 16;

/// One line describing the callback, for a log: the node event with its node, status and
/// time; each traffic record (the first 16); the bytes a `user_traffic_reported` event
/// reports, or another service event's payload. Every piece of the peer's text is shown
/// through [`Escaped`], so no control character, line break or escape sequence reaches the
/// terminal; the token is never shown, and credential members of a payload are redacted
/// ([`redact_secrets`]).
impl fmt::Display for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NodeEvent(call) => {
                let b = &call.body;
                write!(
                    f,
                    "node event {} for {} (status {}, observed_at {})",
                    peer(b.event.as_str()),
                    peer(b.node()),
                    peer(b.status.as_ref().map_or("-", |s| s.as_str())),
                    b.observed_at.unwrap_or(0)
                )
            }
            Self::Traffic(call) => {
                f.write_str("traffic: ")?;
                let records = &call.body.records;
                for (n, r) in records.iter().take(RECORDS_SHOWN).enumerate() {
                    if n > 0 {
                        f.write_str("; ")?;
                    }
                    write!(
                        f,
                        "user {} subscription {} {}: up {} B, down {} B",
                        or_dash(r.user_id),
                        or_dash(r.subscription_id),
                        peer(r.protocol.as_deref().unwrap_or("-")),
                        r.bytes_up,
                        r.bytes_down
                    )?;
                }
                if records.len() > RECORDS_SHOWN {
                    write!(f, "; and {} more", records.len() - RECORDS_SHOWN)?;
                }
                Ok(())
            }
            Self::ServiceEvent(call) => {
                let b = &call.body;
                let reported = (b.normalized_event()
                    == ServiceEventKind::UserTrafficReported.normalized())
                .then(|| b.traffic_reported().ok())
                .flatten();
                match reported {
                    Some(t) => write!(
                        f,
                        "service event {}: user {} used {} B (was {} B)",
                        peer(b.event.as_str()),
                        peer(&t.user_id.map_or_else(|| "-".to_owned(), |u| u.to_string())),
                        t.current.and_then(|c| c.used).unwrap_or(0),
                        t.previous.and_then(|c| c.used).unwrap_or(0)
                    ),
                    None => {
                        let mut payload =
                            b.payload_object().map(Value::Object).unwrap_or(Value::Null);
                        redact_secrets(&mut payload);
                        let payload = match payload {
                            Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        write!(
                            f,
                            "service event {}: {}",
                            peer(b.event.as_str()),
                            Escaped::new(&payload)
                        )
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::streams::{EventName, NodeEventName, PanelId, TrafficReading, UserTrafficReported};
    use crate::webhooks::{
        KernelNodeEventRequest, KernelTrafficRecord, KernelTrafficReportRequest, NodeEventStatus,
        WebhookShape,
    };

    fn body_of(response: &http::Response<Bytes>) -> Value {
        serde_json::from_slice(response.body()).unwrap_or(Value::Null)
    }

    fn service_event(event: EventName, payload: Value) -> Webhook {
        let Value::Object(payload) = payload else {
            return Webhook::ServiceEvent(PostKernelServiceEvent::new(
                KernelServiceEventRequest::new(event, Default::default()),
            ));
        };
        Webhook::ServiceEvent(PostKernelServiceEvent::new(KernelServiceEventRequest::new(
            event, payload,
        )))
    }

    #[test]
    fn node_events_are_ignored_and_described() {
        let body = KernelNodeEventRequest::new(NodeEventName::NodeDegraded, "edge-1")
            .status(NodeEventStatus::Degraded)
            .observed_at(1_734_001_010);
        let webhook = Webhook::NodeEvent(PostKernelEvent::new(body).token("tok"));
        let answer = webhook.answer();
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(body_of(&answer), json!({"status": "ignored"}));
        assert_eq!(
            webhook.to_string(),
            "node event node_degraded for edge-1 (status degraded, observed_at 1734001010)"
        );
        assert!(!webhook.to_string().contains("tok"));
        let sent: Value = serde_json::from_str(&webhook.to_json().unwrap()).unwrap();
        assert_eq!(sent["event"], "node_degraded");
    }

    #[test]
    fn traffic_batches_are_accepted_and_listed() {
        let body = KernelTrafficReportRequest::new([
            KernelTrafficRecord::for_user(7, 10, 20).protocol("vless"),
            KernelTrafficRecord::for_subscription(12, 1, 2),
        ]);
        let documented = Webhook::Traffic(PostKernelTraffic::with_shape(
            body.clone(),
            WebhookShape::Documented,
        ));
        assert_eq!(
            body_of(&documented.answer()),
            json!({"accepted": 2, "failed": 0})
        );
        assert_eq!(
            documented.to_string(),
            "traffic: user 7 subscription - vless: up 10 B, down 20 B; \
             user - subscription 12 -: up 1 B, down 2 B"
        );
        // The go-zero shape fills every key, so the zeros show.
        let go_zero = Webhook::Traffic(PostKernelTraffic::new(body));
        assert_eq!(
            go_zero.to_string(),
            "traffic: user 7 subscription 0 vless: up 10 B, down 20 B; \
             user 0 subscription 12 : up 1 B, down 2 B"
        );
        let empty = Webhook::Traffic(PostKernelTraffic::with_shape(
            KernelTrafficReportRequest::new([]),
            WebhookShape::Documented,
        ));
        assert_eq!(
            body_of(&empty.answer()),
            json!({"accepted": 0, "failed": 0})
        );
        assert_eq!(empty.to_string(), "traffic: ");
    }

    #[test]
    fn traffic_reports_are_accepted_other_service_events_ignored() {
        let report = UserTrafficReported::default()
            .user_id(PanelId::Text("7".into()))
            .previous(TrafficReading::new(100, 900))
            .current(TrafficReading::new(250, 750));
        let webhook = service_event(
            EventName::UserTrafficReported,
            serde_json::to_value(&report).unwrap(),
        );
        assert_eq!(
            body_of(&webhook.answer()),
            json!({"status": "accepted", "accepted": 1})
        );
        assert_eq!(
            webhook.to_string(),
            "service event user.traffic.reported: user 7 used 250 B (was 100 B)"
        );

        // No `current.used`: nothing to apply.
        let no_used = service_event(EventName::UserTrafficReported, json!({"user_id": 7}));
        assert_eq!(body_of(&no_used.answer()), json!({"status": "ignored"}));

        let quota = service_event(EventName::UserQuotaChanged, json!({"user_id": "7"}));
        assert_eq!(body_of(&quota.answer()), json!({"status": "ignored"}));
        assert_eq!(
            quota.to_string(),
            r#"service event user.quota.changed: {"user_id":"7"}"#
        );
    }
}
