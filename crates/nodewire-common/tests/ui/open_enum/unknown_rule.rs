nodewire_common::open_enum! {
    /// A state.
    #[rename_all = "snake"]
    pub enum State {
        /// Up.
        Up,
    }
}

fn main() {}
