//! libFuzzer entry point; the body is [`anbu_fuzz::profile_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anbu_fuzz::profile_json(data));
