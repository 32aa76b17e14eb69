#![no_main]
//! The SSE decoder: the same events whatever the chunk boundaries (the first input byte seeds
//! the chunk sizes), never a panic, and the events written back as a stream decode to the same
//! events.

use libfuzzer_sys::fuzz_target;
use nodewire_common::sse::{Decoder, Event, decode_all};

fn render(events: &[Event]) -> Option<String> {
    let mut out = String::new();
    for e in events {
        if e.event.contains(['\r', '\n']) {
            return None;
        }
        out.push_str("event: ");
        out.push_str(&e.event);
        out.push('\n');
        if let Some(id) = &e.id {
            out.push_str("id: ");
            out.push_str(id);
            out.push('\n');
        }
        for line in e.data.split('\n') {
            out.push_str("data: ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    Some(out)
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else {
        return;
    };
    let Ok(whole) = decode_all(data) else {
        return;
    };
    let mut decoder = Decoder::new();
    let mut chunked = Vec::new();
    let mut rest = data;
    let mut step = usize::from(seed % 17) + 1;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(step.min(rest.len()));
        chunked.extend(decoder.try_push(chunk).expect("within the limit"));
        rest = tail;
        step = (step * 7 + usize::from(seed)) % 23 + 1;
    }
    chunked.extend(decoder.finish());
    assert_eq!(chunked, whole, "chunking changed the events");
    let Some(text) = render(&whole) else {
        return;
    };
    let again = decode_all(text.as_bytes()).expect("within the limit");
    assert_eq!(again, whole, "re-rendered stream {text:?}");
});
