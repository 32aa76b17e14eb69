//! nodewire-kernel (in progress).
