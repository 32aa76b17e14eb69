nodewire_common::open_enum! {
    /// A state.
    #[rename_all = "kebab-case"]
    pub enum State {
        /// Up.
        GoingUp,
        /// An alias that would never decode.
        Rising = "going-up",
    }
}

fn main() {}
