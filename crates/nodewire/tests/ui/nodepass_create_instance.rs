// A struct literal of the NodePass master's create body: refused.
// `CreateInstanceRequest::new(url).alias("web")` is the way.
use nodewire::nodepass::instances::CreateInstanceRequest;

fn main() {
    let Ok(base) = serde_json::from_str::<CreateInstanceRequest>(r#"{"url":"server://:10101/127.0.0.1:8080"}"#) else { return };
    let _ = CreateInstanceRequest { alias: Some("web".to_owned()), ..base };
}
