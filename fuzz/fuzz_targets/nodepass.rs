#![no_main]
//! Every NodePass route's request and response decoder and every wire type.

nodewire_fuzz::protocol_target!(
    nodewire_nodepass::registry,
    nodewire_fuzz::Stream::Named("instance")
);
