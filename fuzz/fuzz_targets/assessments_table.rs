//! libFuzzer entry point; the body is [`anbu_fuzz::assessments_table`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anbu_fuzz::assessments_table(data));
