nodewire_common::open_enum! {
    /// A state.
    #[rename_all = "snake_case"]
    pub enum State {
        /// Up.
        Up,
        /// Written out, though the rule gives the same label.
        NearlyDown = "nearly_down",
    }
}

fn main() {}
