//! libFuzzer entry point; the body is [`anbu_fuzz::csv_reader`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anbu_fuzz::csv_reader(data));
