//! `skip_serializing_if` predicates mirroring Go's `omitempty` on numbers.

pub(crate) fn is_zero_u64(value: &u64) -> bool {
    *value == 0
}

pub(crate) fn is_zero_i64(value: &i64) -> bool {
    *value == 0
}

/// Go omits a float under `omitempty` when it equals zero (`-0` included).
pub(crate) fn is_zero_f64(value: &f64) -> bool {
    *value == 0.0
}
