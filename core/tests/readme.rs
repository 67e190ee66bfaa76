//! The README's profile example loads, and its error example says what the README says.

#[test]
fn readme_profile_example_loads() {
    let readme = include_str!("../../README.md");
    let start = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("end of block");
    let p = anbu::Profile::from_toml(&readme[start..end]).unwrap();
    assert_eq!(p.name, "plug_36h");
    assert_eq!(p.inactivity.plug.threshold_h, 36.0);
    assert_eq!(p.schedule.holidays.len(), 1);
    assert_eq!(p.schedule.calendar, anbu::Calendar::Kr);
    assert_eq!(p.meter, anbu::MeterRules::default());
    assert_eq!(p.locale, anbu::Locale::Ko);
    let mut bad = p.clone();
    bad.inactivity.plug.threshold_h = 0.0;
    let msg = bad.validate().unwrap_err().to_string();
    assert!(readme.contains(&msg), "README should quote: {msg}");
}
