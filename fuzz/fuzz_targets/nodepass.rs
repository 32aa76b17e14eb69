#![no_main]
//! Every NodePass route's request and response decoder and every wire type.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nodewire_common::registry::DecodeFn;
use nodewire_fuzz::{Stream, decoders, run};

static ALL: OnceLock<Vec<DecodeFn>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let registry = nodewire_nodepass::registry();
    let all = ALL.get_or_init(|| decoders(registry));
    run(registry, all, Stream::Named("instance"), data);
});
