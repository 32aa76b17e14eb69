//! The nodewire tour (being written).
fn main() {}
