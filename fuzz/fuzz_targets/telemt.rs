#![no_main]
//! Every telemt route's request and response decoder and every wire type.

nodewire_fuzz::protocol_target!(
    nodewire_telemt::registry,
    nodewire_fuzz::Stream::Named("message")
);
