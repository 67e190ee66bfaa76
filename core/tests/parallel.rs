//! The number of threads (`anbu::parallel`): each source in its order, the switch honoured,
//! and a read the same on one thread and on several. The switch is the process's, and the
//! tests of one binary run at once: only one test here sets it, and it sets it back.

use anbu::limits::MAX_THREADS;
use anbu::parallel::{ENV_VAR, resolve, set_threads, threads, threads_for};
use anbu::{ReadOptions, read_columns, read_events};

#[test]
fn each_source_in_its_order() {
    // A call's own count, then the switch, then the variable, then the cores.
    assert_eq!(resolve(6, 5, Some("4"), 3).unwrap(), 6);
    assert_eq!(resolve(0, 5, Some("4"), 3).unwrap(), 5);
    assert_eq!(resolve(0, 0, Some("4"), 3).unwrap(), 4);
    assert_eq!(resolve(0, 0, None, 3).unwrap(), 3);
    // 0, blank or empty leave the variable unset; spaces around a number are read.
    for unset in ["0", "", "  ", " 0"] {
        assert_eq!(resolve(0, 0, Some(unset), 3).unwrap(), 3, "{unset:?}");
    }
    assert_eq!(resolve(0, 0, Some(" 2\n"), 3).unwrap(), 2);
    // No core known: one thread.
    assert_eq!(resolve(0, 0, None, 0).unwrap(), 1);
}

#[test]
fn a_bad_variable_is_an_error_naming_it() {
    for bad in ["four", "-1", "1.5", "2 threads"] {
        let err = resolve(0, 0, Some(bad), 3).unwrap_err();
        assert_eq!(err.kind(), anbu::ErrorKind::InvalidArgument, "{bad}");
        assert_eq!(
            err.to_string(),
            format!("argument `{ENV_VAR}`: must be a whole number of threads >= 0 (0: one per core), got `{bad}`")
        );
    }
    // A call's count or the switch is not held up by a bad variable it comes before.
    assert_eq!(resolve(2, 0, Some("four"), 3).unwrap(), 2);
    assert_eq!(resolve(0, 2, Some("four"), 3).unwrap(), 2);
}

/// An event file of about 1.5 MiB (the size from which a file is read on several threads),
/// then `tail`.
fn event_file(dir: &std::path::Path, tail: &str) -> std::path::PathBuf {
    let mut body = String::from("person,ts,signal,outcome\n");
    for i in 0..30_000 {
        let outcome = if i % 3 == 0 { "missed" } else { "answered" };
        body.push_str(&format!(
            "p-{:03},2024-05-01T{:02}:{:02}:00+09:00,checkin,{outcome}\n",
            i % 97,
            i / 60 % 24,
            i % 60
        ));
    }
    body.push_str(tail);
    assert!(body.len() > 1 << 20);
    let path = dir.join(format!("events-{}.csv", tail.len()));
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn the_switch_is_honoured_and_a_read_is_the_same_on_one_thread_and_several() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let unset = resolve(0, 0, std::env::var(ENV_VAR).ok().as_deref(), cores).unwrap();
    assert_eq!(threads().unwrap(), unset);
    let dir = std::env::temp_dir().join(format!("anbu-parallel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = event_file(&dir, "");
    let bad = event_file(&dir, "p-001,2024-05-02T10:00:00+09:00,checkin,maybe\n");
    let mut reads = Vec::new();
    for n in [1, 4] {
        set_threads(n).unwrap();
        assert_eq!(threads().unwrap(), n);
        assert_eq!(threads_for(2).unwrap(), 2);
        let events = read_events(&good, &ReadOptions::strict()).unwrap().events;
        let columns = read_columns(&good).unwrap();
        let error = read_events(&bad, &ReadOptions::strict()).unwrap_err().to_string();
        let skipped = read_events(&bad, &ReadOptions::lenient()).unwrap();
        reads.push((events, columns, error, skipped.events, skipped.skipped_count));
    }
    let err = set_threads(MAX_THREADS + 1).unwrap_err();
    assert_eq!(err.to_string(), format!("argument `threads`: {} threads, at most {MAX_THREADS}", MAX_THREADS + 1));
    assert_eq!(threads().unwrap(), 4, "a refused count leaves the switch as it was");
    set_threads(0).unwrap();
    assert_eq!(threads().unwrap(), unset);
    assert_eq!(reads[0].0.len(), 30_000);
    assert!(reads[0].2.starts_with("line 30002: field `outcome`: unknown value `maybe`"), "{}", reads[0].2);
    assert!(reads[0] == reads[1], "the reads on 1 and 4 threads differ");
    std::fs::remove_dir_all(&dir).unwrap();
}
