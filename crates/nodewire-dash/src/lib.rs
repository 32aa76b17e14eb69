//! nodewire-dash (in progress).
