//! Person ids are pseudonymous: what looks like a phone number or an e-mail address is
//! refused, in any spelling, so that none is ever stored, written or echoed. The one place
//! this rule lives (every input path checks ids through `event::check_person_id`).
//!
//! A phone number is text that, once a `tel:` prefix, separators (spaces, `-`, `.`, `/`,
//! brackets) and the digits' script (full-width, Arabic-Indic, ...) are set aside, is a
//! run of digits that dials somewhere:
//!
//! - a national number: a trunk `0` and a non-zero digit, 9 to 11 digits in all
//!   (`010-1234-5678`, `02-123-4567`, `031-123-4567`, `070-1234-5678`);
//! - an international one: `+`, `00` or `tel:` and a country code, 8 to 15 digits after
//!   them (`+82-(0)10-1234-5678`, `0082 10 1234 5678`, `tel:+1-555-010-9999`), or Korea's
//!   `82` without the `+` and 10 to 12 digits (`821012345678`);
//! - a Korean nationwide business number: `15xx`..`19xx`, 8 digits written with a
//!   separator (`1588-1234`; `15881234` may be a plain numeric id).
//!
//! Plain numeric ids (`100234567`, `1001`) and ids with letters (`p-010`) are not numbers
//! that dial, and are kept.

/// Why an id is refused, when it looks like a phone number or an e-mail address.
pub(crate) fn personal_data(id: &str) -> Option<&'static str> {
    if looks_like_phone(id) {
        Some("looks like a phone number; use a pseudonymous id")
    } else if looks_like_email(id) {
        Some("looks like an e-mail address; use a pseudonymous id")
    } else {
        None
    }
}

/// Most digits a phone number has (E.164).
const MAX_DIGITS: usize = 15;

fn looks_like_phone(id: &str) -> bool {
    let text = id.trim();
    let (tel, text) = match text.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => (true, &text[4..]),
        _ => (false, text),
    };
    let mut digits = [0u8; MAX_DIGITS];
    let mut n = 0;
    let mut plus = false;
    let mut separated = false;
    for c in text.chars() {
        if let Some(d) = digit_value(c) {
            if n == MAX_DIGITS {
                return false;
            }
            digits[n] = d;
            n += 1;
        } else if matches!(c, '+' | '＋') && n == 0 && !plus {
            plus = true;
        } else if is_separator(c) {
            separated |= n > 0;
        } else {
            return false;
        }
    }
    let digits = &digits[..n];
    if tel {
        // A `tel:` URI is a phone number, whatever its digits.
        return n >= 3;
    }
    match digits {
        // `+` and a country code.
        [c, ..] if plus => *c != 0 && (8..=MAX_DIGITS).contains(&n),
        // `00` and a country code: the international prefix.
        [0, 0, c, ..] => *c != 0 && (10..=MAX_DIGITS).contains(&n),
        // A trunk `0`: a national number.
        [0, d, ..] => *d != 0 && (9..=11).contains(&n),
        [8, 2, d, ..] => *d != 0 && (10..=12).contains(&n),
        [1, 5..=9, ..] => n == 8 && separated,
        _ => false,
    }
}

/// What may stand between a phone number's digits.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.' | '/' | '(' | ')' | '[' | ']' | '‐' | '‑' | '‒' | '–' | '—' | '－' | '（' | '）' | '．' | '・'
        )
}

/// The value of a decimal digit in any script (`7`, `７`, `٧`, `𝟕`...), else `None`.
///
/// Unicode's decimal digits come in runs of ten, zero to nine, and a script's run follows no
/// other numeric character: the value is the distance from the start of the run of numeric
/// characters it stands in, modulo ten (a block of mathematical digits holds five runs).
fn digit_value(c: char) -> Option<u8> {
    if let Some(d) = c.to_digit(10) {
        return Some(d as u8);
    }
    if c.is_ascii() || !c.is_numeric() {
        return None;
    }
    let code = c as u32;
    let mut start = code;
    while start > 0 && code - start < 60 {
        match char::from_u32(start - 1) {
            Some(p) if p.is_numeric() => start -= 1,
            _ => break,
        }
    }
    Some(((code - start) % 10) as u8)
}

/// `local@domain.tld`, with `mailto:` or not.
fn looks_like_email(id: &str) -> bool {
    let text = id.trim();
    let text = match text.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => &text[7..],
        _ => text,
    };
    let Some((local, domain)) = text.rsplit_once(['@', '＠']) else { return false };
    let labels: Vec<&str> = domain.split(['.', '．']).collect();
    !local.trim().is_empty()
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && !l.chars().any(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_any_spelling_are_refused() {
        for id in [
            "010-1234-5678",
            "01012345678",
            "+82 10 1234 5678",
            "+82-(0)10-1234-5678",
            "tel:+82-10-1234-5678",
            "TEL:010-1234-5678",
            "tel:01012345678",
            "０１０－１２３４－５６７８",
            "+８２ １０ １２３４ ５６７８",
            "٠١٠١٢٣٤٥٦٧٨",
            "𝟎𝟏𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
            "02-123-4567",
            "(02) 1234-5678",
            "031.123.4567",
            "070-1234-5678",
            "0082-10-1234-5678",
            "821012345678",
            "82-2-123-4567",
            "1588-1234",
            "+1 (555) 010-9999",
        ] {
            assert_eq!(personal_data(id), Some("looks like a phone number; use a pseudonymous id"), "{id}");
        }
    }

    #[test]
    fn e_mail_addresses_are_refused() {
        for id in ["kim@example.com", "mailto:kim@example.co.kr", "a.b+c@mail.example", "kim＠example．com"] {
            assert_eq!(personal_data(id), Some("looks like an e-mail address; use a pseudonymous id"), "{id}");
        }
    }

    #[test]
    fn pseudonymous_ids_are_kept() {
        for id in [
            "p-001",
            "p-010",
            "100234567",
            "1001",
            "a1b2c3",
            "0001",
            "00012345",
            "p-0101234567",
            "hh-42/3",
            "@team",
            "user@",
            "x@y",
            "1234-5678",
            "2024-05-01",
            "12",
            "P0001234567",
            "15881234",
        ] {
            assert_eq!(personal_data(id), None, "{id}");
        }
    }
}
