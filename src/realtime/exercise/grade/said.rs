//! What every rule says: a standing and the evidence, in one wording.

use std::time::Duration;

use crate::model::exercise::Standing;

/// A rule's standing and what the server saw.
pub type Graded = (Standing, String);

/// Not decided yet, and why.
pub fn waiting(why: &str) -> Graded {
    (Standing::Waiting, why.into())
}

/// A time as the evidence writes it: `1.53 s`.
pub fn secs(at: Duration) -> String {
    format!("{:.2} s", at.as_secs_f64())
}
