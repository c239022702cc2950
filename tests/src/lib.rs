//! Tools shared by the cross-crate stories (`tests/tests/`) and the
//! benchmarks (`tests/benches/`).

pub mod link;
