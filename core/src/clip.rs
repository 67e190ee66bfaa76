//! What an error message quotes of its input: values, keys, paths and reasons cut to a
//! bounded length, so that no message grows with its input. The four lengths are limits
//! ([`crate::limits`] lists them with the others).

/// Most characters of an input value an error message quotes.
pub const MAX_ECHO_CHARS: usize = 40;

/// Most characters of a profile key an error message names (a dotted path is longer than a value).
pub const MAX_KEY_CHARS: usize = 120;

/// Most characters of a file path an error message names.
pub const MAX_PATH_CHARS: usize = 200;

/// Most characters of an error's reason (which quotes clipped values, and names a few more).
pub const MAX_REASON_CHARS: usize = 600;

/// An input value shortened for an error message: at most [`MAX_ECHO_CHARS`] characters,
/// then `…`. Every value an error text quotes goes through here (or through [`crate::Error`]'s
/// messages, which clip each part again), so that no message grows with its input.
pub(crate) fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    clip_to(text, MAX_ECHO_CHARS)
}

/// `text` cut to at most `max` characters, `…` marking a cut.
pub(crate) fn clip_to(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..end])),
    }
}
