#![no_main]
//! Every Dash route's request and response decoder and every wire type.

nodewire_fuzz::protocol_target!(
    nodewire_dash::registry,
    nodewire_fuzz::Stream::Named("message")
);
