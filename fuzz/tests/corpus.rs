//! Every file of the fuzz targets' corpora runs through its target's body, on stable Rust:
//! the checked-in seeds (`seeds/<target>/`) and known crashes (`regressions/<target>/`), and
//! where cargo-fuzz left them on this machine, `corpus/<target>/` and `artifacts/<target>/`.
//! As under `cargo fuzz run -- -rss_limit_mb=512`, the run must stay within 512 MiB.
//!
//! A crash found by the fuzzer becomes a regression test by copying its file from
//! `artifacts/<target>/` to `regressions/<target>/` under a name that says what it is.

use std::path::Path;

const TARGETS: [(&str, fn(&[u8])); 7] = [
    ("csv_reader", anbu_fuzz::csv_reader),
    ("jsonl_reader", anbu_fuzz::jsonl_reader),
    ("profile_json", anbu_fuzz::profile_json),
    ("profile_toml", anbu_fuzz::profile_toml),
    ("columns", anbu_fuzz::columns),
    ("assessments_table", anbu_fuzz::assessments_table),
    ("columnar_file", anbu_fuzz::columnar_file),
];

/// libFuzzer's `-rss_limit_mb` in the README's command.
const RSS_LIMIT_MB: u64 = 512;

/// The files of `dir`, by name (none if it does not exist).
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// The process's peak resident memory in MiB (Linux; `None` elsewhere).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? / 1024)
}

#[test]
fn every_corpus_file_runs_through_its_target_within_the_memory_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = [0usize; 4];
    for (target, run) in TARGETS {
        for (k, dir) in ["seeds", "regressions", "corpus", "artifacts"].iter().enumerate() {
            for file in files(&root.join(dir).join(target)) {
                let data = std::fs::read(&file).unwrap();
                if let Err(panic) = std::panic::catch_unwind(|| run(&data)) {
                    let what = panic.downcast_ref::<String>().cloned().unwrap_or_default();
                    panic!("{target}: {} failed: {what}", file.display());
                }
                seen[k] += 1;
            }
        }
    }
    assert!(seen[0] >= TARGETS.len(), "a seed per target");
    assert!(seen[1] >= 4, "the known crashes in regressions/");
    if let Some(mb) = peak_rss_mb() {
        assert!(mb <= RSS_LIMIT_MB, "peak memory {mb} MiB, over libFuzzer's limit of {RSS_LIMIT_MB} MiB");
    }
}
