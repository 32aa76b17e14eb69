#![no_main]
//! Every kernel route's request and response decoder and every wire type.

nodewire_fuzz::protocol_target!(nodewire_kernel::registry, nodewire_fuzz::Stream::Tagged);
