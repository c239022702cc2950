//! Cross-crate stories live in `tests/tests/`; this library is empty on purpose.
