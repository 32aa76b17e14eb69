//! nodewire-nodepass (in progress).
