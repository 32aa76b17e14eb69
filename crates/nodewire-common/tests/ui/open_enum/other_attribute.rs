nodewire_common::open_enum! {
    /// A state.
    #[rename_all = "snake_case"]
    pub enum State {
        /// Up.
        #[serde(rename = "UP")]
        Up,
    }
}

fn main() {}
