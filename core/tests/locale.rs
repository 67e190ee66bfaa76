//! Korean and English reasons (issue 16, item 7): a profile's `locale` writes its
//! assessments' reasons in that language, from the one table of messages; everything else of
//! the assessment is the same.

use crate::common;

use anbu::{
    Assessment, CheckinOutcome, ConcernCategory, DoorState, Engine, Event, EventKind, HOUR_MS, Locale, Person, Profile,
    ReasonKind, Timestamp,
};
use common::{Home, person};

/// The built-in `full`, in `locale`, named `full_{locale}`.
fn full_in(locale: &str) -> Profile {
    Profile::from_json(&format!(r#"{{"name":"full_{locale}","extends":"full","locale":"{locale}"}}"#)).unwrap()
}

/// `home` assessed hourly from `from` to `to` with `full` in English and in Korean.
fn both(home: &Home, from: u32, to: u32) -> (Vec<Assessment>, Vec<Assessment>) {
    let run = |locale: &str| {
        let p = full_in(locale);
        let who = anbu::Person::new("p", &p.name).unwrap();
        home.hourly_with(Some(p), who, from, to)
    };
    (run("en"), run("ko"))
}

fn hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// Four ordinary days, then nothing at all but missed check-in calls for two days.
fn silent_home() -> Home {
    let mut home = Home::new("p");
    for d in 0..4 {
        home.ordinary_day(d, true, true);
    }
    for h in [4.0 * 24.0 + 10.0, 4.0 * 24.0 + 16.0, 5.0 * 24.0 + 10.0, 5.0 * 24.0 + 16.0] {
        home.checkin(h, CheckinOutcome::Missed);
    }
    home
}

#[test]
fn an_absent_locale_is_english_and_the_built_ins_are_english() {
    assert_eq!(Profile::builtin("full").unwrap().locale, Locale::En);
    let p = Profile::from_json(r#"{"name":"old","extends":"full"}"#).unwrap();
    assert_eq!(p.locale, Locale::En);
    assert!(p.to_json().contains(r#""locale": "en""#), "{}", p.to_json());
    let err = Profile::from_json(r#"{"name":"x","locale":"fr"}"#).unwrap_err().to_string();
    assert!(err.contains("`locale`") && err.contains("en, ko"), "{err}");
}

#[test]
fn korean_reasons_say_what_english_ones_say() {
    let home = silent_home();
    let (en, ko) = both(&home, 3 * 24, 6 * 24);
    let home_en = home.hourly(person("full"), 3 * 24, 6 * 24);
    assert_eq!(en, home_en, "`en` is the default");
    let mut kinds = std::collections::BTreeSet::new();
    for (e, k) in en.iter().zip(&ko) {
        assert_eq!((e.at, e.score, e.level, e.action, e.responder), (k.at, k.score, k.level, k.action, k.responder));
        assert_eq!(e.reasons.len(), k.reasons.len(), "{e:?}\n{k:?}");
        for (re, rk) in e.reasons.iter().zip(&k.reasons) {
            assert_eq!((re.signal, re.kind, re.contribution), (rk.signal, rk.kind, rk.contribution));
            assert!(hangul(&rk.detail) && !hangul(&re.detail), "{} / {}", re.detail, rk.detail);
            for english in ["check-in", " for ", "alert at", " h ", "(hysteresis)"] {
                assert!(!rk.detail.contains(english), "{english:?} in {}", rk.detail);
            }
            kinds.insert(rk.kind);
        }
    }
    // The silence, the missed calls and the ladder's holds were all written in Korean.
    for kind in [ReasonKind::Inactivity, ReasonKind::NoChange, ReasonKind::MissedCheckins, ReasonKind::Escalation] {
        assert!(kinds.contains(&kind), "no {kind} reason in {kinds:?}");
    }
    let last = ko.last().unwrap();
    let missed = last.reasons.iter().find(|r| r.kind == ReasonKind::MissedCheckins).unwrap();
    assert!(missed.detail.contains("안부 전화 4회 미응답"), "{}", missed.detail);
    let silent = last.reasons.iter().find(|r| r.kind == ReasonKind::Inactivity).unwrap();
    assert!(silent.detail.contains("시간 동안"), "{}", silent.detail);
}

#[test]
fn what_the_person_said_is_routed_in_korean() {
    let mut home = Home::new("p");
    for d in 0..5 {
        home.ordinary_day(d, true, true);
    }
    let kind = EventKind::checkin(CheckinOutcome::Concern).with_category(ConcernCategory::Pain);
    home.push(4.0 * 24.0 + 14.0, "checkin", kind);
    let (en, ko) = both(&home, 4 * 24 + 13, 4 * 24 + 15);
    let said = |rows: &[Assessment]| {
        rows.last().unwrap().reasons.iter().find(|r| r.kind == ReasonKind::Concern).unwrap().detail.clone()
    };
    assert_eq!(
        said(&en),
        "check-in call at 2024-05-05 14:00 answered, but the person reported pain (pain): critical, dispatch, \
         routed to 119 (ambulance)"
    );
    assert_eq!(said(&ko), "2024-05-05 14:00 안부 전화 응답, 통증 호소(pain): 위급, 현장 출동, 119(구급) 연계");
}

#[test]
fn tier_advice_and_the_engines_own_reasons_follow_the_locale() {
    let t0: Timestamp = "2024-05-01T00:00:00+09:00".parse().unwrap();
    let door = |h: i64| {
        let kind = EventKind::door(DoorState::Open);
        Event::new("p", t0.plus_millis(h * HOUR_MS), Some("door-9"), kind).unwrap()
    };
    let mut texts = Vec::new();
    for locale in ["en", "ko"] {
        let mut e = Engine::new();
        e.add_profile(full_in(locale)).unwrap();
        e.add_person(Person::new("p", &format!("full_{locale}")).unwrap()).unwrap();
        e.set_clock(t0);
        e.ingest(door(0)).unwrap();
        let refused = e.ingest(door(8760)).unwrap_err().to_string();
        assert!(refused.contains("8760.0 h ahead of the engine's clock"), "errors are English: {refused}");
        let a = e.assess("p", t0.plus_millis(HOUR_MS)).unwrap();
        let note = a.reasons.iter().find(|r| r.kind == ReasonKind::ClockAhead).unwrap().detail.clone();
        let tier = e.recommend_tier("p", Some(t0.plus_millis(HOUR_MS))).unwrap().reason;
        texts.push((note, tier));
    }
    assert!(texts[0].0.starts_with("device `door-9` sent an event dated up to 8760.0 h ahead"), "{}", texts[0].0);
    assert!(texts[0].1.starts_with("only 0 whole days of history"), "{}", texts[0].1);
    assert!(
        texts[1].0.starts_with("기기 `door-9`: 시스템 시각보다 최대 8760.0시간 앞선 이벤트 1건 수신"),
        "{}",
        texts[1].0
    );
    assert!(texts[1].1.starts_with("온전한 기록 0일뿐"), "{}", texts[1].1);
}
