//! nodewire-core (in progress).
