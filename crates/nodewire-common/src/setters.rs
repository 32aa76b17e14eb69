//! The builder setters of wire types: [`setters!`](crate::setters).

/// Defines `#[must_use]` builder setters, `fn field(mut self, …) -> Self`, one per entry, each
/// with the doc comment written at the call site.
///
/// Either `Type, OtherType { entries }`, which writes the setters in an `impl` block of each
/// type, or the bare entries inside an `impl` block. Each entry ends with `;`:
///
/// | entry | sets |
/// | --- | --- |
/// | `field(value: impl Into<T>);` | an `Option<T>` field to `Some(value.into())` |
/// | `field(value: T);` | an `Option<T>` field to `Some(value)` (where `Into` would be ambiguous) |
/// | `field(value: impl Into<T>) nullable: clear_field;` | a [`Patch<T>`](crate::Patch) field to `Patch::Value(value.into())`, and `clear_field()` to `Patch::Null` |
/// | `field(value: T) nullable: clear_field;` | the same with `Patch::Value(value)` |
/// | `field<G: Bound, …>(value: A) = expression;` | the field to the expression (generics optional) |
///
/// The doc comment of a `clear_` setter stands right before its name.
///
/// ```
/// use nodewire_common::Patch;
///
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Query {
///     pub include: Option<String>,
///     pub limit: Option<u64>,
///     pub description: Patch<String>,
///     pub tags: Vec<String>,
/// }
///
/// nodewire_common::setters!(Query {
///     /// Only these sections.
///     include(sections: impl Into<String>);
///     /// At most this many.
///     limit(count: u64);
///     /// Sets the description.
///     description(text: impl Into<String>) nullable:
///         /// Sends the description as `null`.
///         clear_description;
///     /// Sets the tags.
///     tags<I: IntoIterator<Item = S>, S: Into<String>>(tags: I) =
///         tags.into_iter().map(Into::into).collect();
/// });
///
/// let query = Query::default()
///     .include("nodes")
///     .limit(10)
///     .clear_description()
///     .tags(["a"]);
/// assert_eq!(query.include.as_deref(), Some("nodes"));
/// assert_eq!(query.limit, Some(10));
/// assert_eq!(query.description, Patch::Null);
/// assert_eq!(query.description("x").description, Patch::Value("x".to_owned()));
/// ```
#[macro_export]
macro_rules! setters {
    ($($ty:ident),+ { $($entries:tt)* }) => {
        $crate::setters!(@impl [$($ty)+] { $($entries)* });
    };
    (@impl [$($ty:ident)+] $entries:tt) => {
        $(impl $ty {
            $crate::setters! $entries
        })+
    };
    () => {};
    (
        $(#[$attr:meta])* $field:ident($value:ident: impl Into<$t:ty>) nullable:
        $(#[$clear_attr:meta])* $clear:ident; $($rest:tt)*
    ) => {
        $crate::setters!(@nullable [$(#[$attr])*] $field($value: impl Into<$t>) = $value.into();
            [$(#[$clear_attr])*] $clear);
        $crate::setters! { $($rest)* }
    };
    (
        $(#[$attr:meta])* $field:ident($value:ident: $t:ty) nullable:
        $(#[$clear_attr:meta])* $clear:ident; $($rest:tt)*
    ) => {
        $crate::setters!(@nullable [$(#[$attr])*] $field($value: $t) = $value;
            [$(#[$clear_attr])*] $clear);
        $crate::setters! { $($rest)* }
    };
    (@nullable [$($attr:tt)*] $field:ident($value:ident: $t:ty) = $set:expr;
        [$($clear_attr:tt)*] $clear:ident) => {
        $($attr)*
        #[must_use]
        pub fn $field(mut self, $value: $t) -> Self {
            self.$field = $crate::Patch::Value($set);
            self
        }

        $($clear_attr)*
        #[must_use]
        pub fn $clear(mut self) -> Self {
            self.$field = $crate::Patch::Null;
            self
        }
    };
    ($(#[$attr:meta])* $field:ident($value:ident: impl Into<$t:ty>); $($rest:tt)*) => {
        $(#[$attr])*
        #[must_use]
        pub fn $field(mut self, $value: impl Into<$t>) -> Self {
            self.$field = Some($value.into());
            self
        }

        $crate::setters! { $($rest)* }
    };
    ($(#[$attr:meta])* $field:ident($value:ident: $t:ty); $($rest:tt)*) => {
        $(#[$attr])*
        #[must_use]
        pub fn $field(mut self, $value: $t) -> Self {
            self.$field = Some($value);
            self
        }

        $crate::setters! { $($rest)* }
    };
    (
        $(#[$attr:meta])* $field:ident $(<$($generic:ident: $bound:path),+>)?($value:ident: $t:ty)
        = $set:expr; $($rest:tt)*
    ) => {
        $(#[$attr])*
        #[must_use]
        pub fn $field $(<$($generic: $bound),+>)?(mut self, $value: $t) -> Self {
            self.$field = $set;
            self
        }

        $crate::setters! { $($rest)* }
    };
}
