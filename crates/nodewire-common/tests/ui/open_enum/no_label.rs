nodewire_common::open_enum! {
    /// A state.
    pub enum State {
        /// Up.
        Up = "up",
        /// Down, with no label and no rule to derive one.
        Down,
    }
}

fn main() {}
