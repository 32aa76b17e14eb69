#![no_main]
//! Every Core route's request and response decoder and every wire type.

nodewire_fuzz::protocol_target!(
    nodewire_core::registry,
    nodewire_fuzz::Stream::Named("message")
);
