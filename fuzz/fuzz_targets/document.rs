//! A saved document from elsewhere (a snapshot from the server), loaded,
//! checked and read as a device does.
#![no_main]

use cd4mm_core::admission;
use libfuzzer_sys::fuzz_target;

// Automerge panics on some malformed input; the checks catch such panics and
// refuse the input. libfuzzer-sys's hook would abort on them all the same, so
// it is replaced: a panic the checks do not catch still aborts the run.
fuzz_target!(init: std::panic::set_hook(Box::new(|_| {})), |data: &[u8]| {
    admission::fuzz::document(data);
});
