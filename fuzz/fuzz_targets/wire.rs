//! A sync body as a server or a device reads it: any bytes, any version.
#![no_main]

use cd4mm_sync::wire::{self, SyncResponse};
use libfuzzer_sys::fuzz_target;

// Automerge panics on some malformed input; the checks catch such panics and
// refuse the input. libfuzzer-sys's hook would abort on them all the same, so
// it is replaced: a panic the checks do not catch still aborts the run.
fuzz_target!(init: std::panic::set_hook(Box::new(|_| {})), |data: &[u8]| {
    let _ = wire::decode_request(data);
    let _ = wire::decode::<SyncResponse>(data);
    let _ = wire::decode_as::<wire::v1::SyncResponse>(1, data);
    let _ = wire::decompress(data, 1 << 20);
});
