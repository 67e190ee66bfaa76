//! Input hygiene (issue 17, part 4): times in range on both ends and printable, offsets
//! within +/-18:00, no personal data as person ids, bounded error messages, bounded
//! profile files, and one judgement of a header whatever reads it.

use std::io::Write;

use anbu::{
    ErrorKind, Event, EventKind, Format, Person, Profile, ReadOptions, Timestamp, read_columns, read_events_from,
};

fn csv_error(rows: &str) -> anbu::Error {
    let text = format!("person,ts,signal\n{rows}\n");
    read_events_from(text.as_bytes(), Format::Csv, &ReadOptions::strict()).unwrap_err()
}

#[test]
fn times_past_the_last_printable_one_are_refused_not_printed_as_1970() {
    let last: Timestamp = "9999-12-30T22:00:00Z".parse().unwrap();
    assert_eq!(last.to_string(), "9999-12-30T22:00:00Z");
    for ts in ["9999-12-30T23:00:00Z", "9999-12-31T23:59:59.999Z", "253402300799999"] {
        let e = csv_error(&format!("p-1,{ts},sos"));
        assert_eq!(e.kind(), ErrorKind::InvalidEvent, "{ts}: {e}");
        assert!(e.to_string().starts_with("line 2: field `ts`: "), "{ts}: {e}");
    }
    assert!(Timestamp::from_millis(253_402_300_799_999).is_err());
    // The JSON path says the same.
    let text = "{\"person\":\"p-1\",\"ts\":253402300799999,\"signal\":\"sos\"}\n";
    let e = read_events_from(text.as_bytes(), Format::Jsonl, &ReadOptions::strict()).unwrap_err();
    assert!(e.to_string().contains("out of range"), "{e}");
}

#[test]
fn epoch_zero_is_a_missing_time() {
    let e = csv_error("p-1,0,sos");
    assert_eq!(e.kind(), ErrorKind::InvalidEvent);
    assert!(
        e.to_string().starts_with("line 2: field `ts`: epoch 0 (1970-01-01T00:00:00Z) is taken as a missing time"),
        "{e}"
    );
    let e = csv_error("p-1,1970-01-01T09:00:00+09:00,sos");
    assert!(e.to_string().contains("missing time"), "{e}");
    let epoch = Timestamp::from_millis(0).unwrap();
    assert!(Event::new("p-1", epoch, None, EventKind::sos()).is_err());
    // The millisecond after it is a time (as odd as it is).
    assert!(Event::new("p-1", Timestamp::from_millis(1).unwrap(), None, EventKind::sos()).is_ok());
    // Columns refuse it as rows do.
    let e = anbu::EventColumns::builder(&["p-1"], &[0], &[0], &[anbu::Signal::Sos]).build().unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 0: field `ts`: epoch 0 (1970-01-01T00:00:00Z) is taken as a missing time, not a real one; leave the row out or fix its source"
    );
}

#[test]
fn utc_offsets_beyond_18_hours_are_refused() {
    for ts in ["2024-05-01T09:30:00+24:00", "2024-05-01T09:30:00+25:00", "2024-05-01T09:30:00-19:00"] {
        let e = csv_error(&format!("p-1,{ts},sos"));
        assert!(e.to_string().contains("UTC offset beyond +/-18:00"), "{ts}: {e}");
    }
    assert!("2024-05-01T09:30:00+18:00".parse::<Timestamp>().is_ok());
}

#[test]
fn phone_numbers_and_e_mail_addresses_are_not_person_ids() {
    for id in [
        "tel:+82-10-1234-5678",
        "+82-(0)10-1234-5678",
        "０１０－１２３４－５６７８",
        "02-123-4567",
        "031-123-4567",
        "kim@example.com",
    ] {
        let e = Person::new(id, "full").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidEvent, "{id}");
        assert!(e.to_string().contains("use a pseudonymous id"), "{id}: {e}");
        let e = csv_error(&format!("{id},2024-05-01T09:00:00+09:00,sos"));
        assert!(e.to_string().starts_with("line 2: field `person`: looks like"), "{id}: {e}");
    }
    for id in ["p-001", "100234567", "1001"] {
        assert!(Person::new(id, "full").is_ok(), "{id}");
    }
}

#[test]
fn echoed_values_are_cut_to_a_bounded_length() {
    let huge = "9".repeat(1 << 20);
    let e = csv_error(&format!("p-1,{huge},sos"));
    assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
    let big = "x".repeat(10 << 20);
    for doc in [
        serde_json::json!({ "name": big }),
        serde_json::json!({ "name": "p", big.clone(): 1 }),
        serde_json::json!({ "name": "p", "timezone": big }),
        serde_json::json!({ "name": "p", "extends": big }),
    ] {
        let Err(e) = Profile::from_value(doc) else { panic!("a 10 MB value was accepted") };
        assert_eq!(e.kind(), ErrorKind::InvalidProfile);
        assert!(e.to_string().len() < 1000, "{} bytes", e.to_string().len());
    }
    let Err(e) = Person::new("p-1", &big).and_then(|p| anbu::Engine::new().add_person(p)) else { panic!("accepted") };
    assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
}

#[test]
fn profile_files_are_size_capped_and_their_errors_name_the_path() {
    let dir = std::env::temp_dir().join(format!("anbu-hygiene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing.json");
    let e = Profile::from_path(&missing).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains(&missing.display().to_string()), "{e}");
    let big = dir.join("big.json");
    let mut f = std::fs::File::create(&big).unwrap();
    f.write_all(&vec![b' '; (1 << 20) + 1]).unwrap();
    drop(f);
    let e = Profile::from_path(&big).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidProfile);
    assert!(e.to_string().contains("larger than 1048576 bytes"), "{e}");
    if std::path::Path::new("/dev/zero").exists() {
        let e = Profile::from_path("/dev/zero").unwrap_err();
        assert!(e.to_string().contains("/dev/zero"), "{e}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_header_alone_is_judged_by_read_columns_as_by_read_events() {
    let dir = std::env::temp_dir().join(format!("anbu-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.csv");
    std::fs::write(&path, "person,tz,signal\n").unwrap();
    let expected = anbu::read_events(&path, &ReadOptions::strict()).unwrap_err().to_string();
    let e = read_columns(&path).unwrap_err();
    assert_eq!(e.to_string(), expected);
    // A good header alone is no rows for both.
    std::fs::write(&path, "person,ts,signal\n").unwrap();
    assert_eq!(read_columns(&path).unwrap().len(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
