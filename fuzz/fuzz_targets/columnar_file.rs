//! libFuzzer entry point; the body is [`anbu_fuzz::columnar_file`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anbu_fuzz::columnar_file(data));
