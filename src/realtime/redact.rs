//! What no page shows of a request's head: cookie values and credentials
//! (the handshake inspector's report and the wire view both leave them out).

/// `cookie: a=1; b=2` → `a=…; b=…`; `authorization: Bearer x` → `…`;
/// `None` for a header shown as it is.
pub fn header_value(name: &str, value: &str) -> Option<String> {
    if name.eq_ignore_ascii_case("cookie") {
        Some(
            value
                .split(';')
                .map(|pair| format!("{}=…", pair.split('=').next().unwrap_or_default().trim()))
                .collect::<Vec<_>>()
                .join("; "),
        )
    } else if ["authorization", "proxy-authorization", "set-cookie"]
        .iter()
        .any(|secret| name.eq_ignore_ascii_case(secret))
    {
        Some("…".into())
    } else {
        None
    }
}
