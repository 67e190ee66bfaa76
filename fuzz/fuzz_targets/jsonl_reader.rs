//! libFuzzer entry point; the body is [`anbu_fuzz::jsonl_reader`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| anbu_fuzz::jsonl_reader(data));
