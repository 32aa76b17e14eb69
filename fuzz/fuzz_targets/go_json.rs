#![no_main]
//! `nodewire_common::go_json`, the Go `encoding/json` decoder behind the NodePass master's and
//! Dash's server-side request decoding: never a panic on any body, for a shape with every kind
//! of Go field, in both read modes; the same body always gives the same answer; and a body it
//! accepts, written back out, is accepted again.

use libfuzzer_sys::fuzz_target;
use nodewire_common::go_json::{Read, Shape, decode};

fn shape() -> Shape {
    use Shape::*;
    let peer = Struct(vec![("sid", String), ("type", String), ("alias", String)]);
    Struct(vec![
        ("alias", String),
        ("url", String),
        ("restart", Ptr(Box::new(Bool))),
        ("count", Int),
        ("bytes", Uint),
        ("ratio", Float),
        ("meta", Ptr(Box::new(Struct(vec![
            ("peer", Ptr(Box::new(peer))),
            ("tags", Map(Box::new(String))),
        ])))),
        ("list", Slice(Box::new(Struct(vec![("name", String), ("n", Uint)])))),
    ])
}

fuzz_target!(|body: &[u8]| {
    let shape = shape();
    for read in [Read::Unmarshal, Read::FirstValue] {
        let first = decode(body, &shape, read);
        let second = decode(body, &shape, read);
        assert_eq!(first, second, "the same body gave two answers");
        if let Ok(value) = first {
            let text = serde_json::to_vec(&value).expect("a decoded value encodes");
            assert!(
                decode(&text, &shape, Read::Unmarshal).is_ok(),
                "an accepted body written back out is refused: {}",
                String::from_utf8_lossy(&text)
            );
        }
    }
});
