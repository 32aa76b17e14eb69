// A struct literal of Dash's update manifest: refused.
// `RawManifest::new(id, version, url, sha256, size)` is the way.
use nodewire::dash::update::RawManifest;

fn main() {
    let _ = RawManifest {
        id: "0.2.4".to_owned(),
        version: "0.2.4".to_owned(),
        url: "https://dash.example.com/node".to_owned(),
        sha256: "00".repeat(32),
        size: 1,
    };
}
