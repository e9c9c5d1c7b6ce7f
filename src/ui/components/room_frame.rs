//! Presenter mode's strip, at the top of every lesson (and the course path)
//! while the host runs a room. Server-only HTML with every word in it; the
//! `RoomFollower` island inside fills in what the room's stream says.
//!
//! - A learner's strip: whether the page follows the presenter, a switch
//!   to stop following, a button to jump back, "done" and "stuck" for the
//!   room's section, the presenter's absence, and the poll when there is one.
//! - The presenter's strip: the learner count, where the room is, how
//!   many marked its section done or stuck, the timer, "bring
//!   everyone here", previous and next section, a projector view (large
//!   type, the join link and its QR code), and polls: typed on the spot or
//!   one of the lesson's knowledge checks.

use leptos::prelude::*;

use crate::model::room::clock_text;
use crate::ui::demos::RoomFollower;

/// Whose strip this is.
#[derive(Clone, Debug)]
pub enum RoomRole {
    Learner,
    /// With the link learners join by, as the projector shows it.
    Presenter {
        join_url: String,
    },
}

/// Set while the presenter's page renders: its links to other lessons go
/// to their presenter's pages, so the presenter stays in presenter mode.
#[derive(Clone, Copy, Debug)]
pub struct Presenting;

/// Where a link to `lesson` goes on this page.
pub fn lesson_href(lesson: &crate::model::course::LessonSummary) -> String {
    match use_context::<Presenting>() {
        Some(Presenting) => format!("/present/{}", lesson.slug),
        None => lesson.href(),
    }
}

/// The time a workshop plans, for the presenter's timer: the page's
/// lesson's (`duration` in its front matter) and the whole course's (the
/// lessons that have one).
#[derive(Clone, Copy, Debug, Default)]
pub struct Planned {
    pub lesson: Option<u64>,
    pub workshop: u64,
}

/// Words the island shows now and then, here so they are not in the
/// WebAssembly (read by `demo_text`).
const TEXTS: [(&str, &str); 16] = [
    (
        "room-following",
        "Following the presenter: this page moves with the room.",
    ),
    (
        "room-browsing",
        "Browsing on your own: the room goes on without this page.",
    ),
    (
        "room-presenting",
        "Presenting: the room follows this page's moves.",
    ),
    (
        "room-reconnecting",
        "The connection to the room dropped; reconnecting…",
    ),
    (
        "room-poll-ask",
        "Pick one answer; nobody sees who answered what.",
    ),
    (
        "room-poll-answered",
        "Answer sent. The counts appear if the presenter shows them.",
    ),
    ("room-poll-open", "Answers come in as learners pick them."),
    ("room-poll-closed", "This poll is closed."),
    (
        "room-poll-incomplete",
        "A poll needs a question and at least two options, one per line.",
    ),
    ("room-clock-waiting", "not started"),
    (
        "room-question-sent",
        "Question sent: it is on the list below.",
    ),
    ("room-question-vote", "Vote ({votes})"),
    ("room-question-votes", "{votes} votes"),
    ("room-question-answered", "Answered"),
    ("room-question-hide", "Hide"),
    ("room-question-open", "Open again"),
];

#[component]
pub fn RoomFrame(
    role: RoomRole,
    /// The page's lesson (empty on the course path), and its neighbours.
    slug: String,
    prev: Option<String>,
    next: Option<String>,
    /// The lesson's knowledge checks, offered to the presenter as polls.
    checks: usize,
    /// The presenter's timer's plan.
    #[prop(optional)]
    planned: Planned,
) -> impl IntoView {
    let texts = TEXTS
        .iter()
        .map(|(key, text)| view! { <span data-demo-text=*key>{*text}</span> })
        .collect_view();
    let (kind, label, controls) = match role {
        RoomRole::Learner => (
            "learner",
            "The presenter's room",
            learner_controls().into_any(),
        ),
        RoomRole::Presenter { join_url } => (
            "presenter",
            "Presenter controls",
            presenter_controls(join_url, checks, planned).into_any(),
        ),
    };
    view! {
        <aside
            class=format!("room room-{kind}")
            data-room=kind
            data-room-slug=slug
            data-room-prev=prev
            data-room-next=next
            aria-label=label
        >
            {controls}
            <section class="room-poll" data-room-poll hidden aria-labelledby="room-question">
                <h2 id="room-question" data-room-question></h2>
                <div class="room-options" data-room-options></div>
                <p class="room-poll-note" data-room-poll-note role="status"></p>
                <p class="room-poll-controls" data-room-poll-controls hidden>
                    <button type="button" class="button" data-room-action="reveal">"Show the counts to everyone"</button>
                    " "
                    <button type="button" class="button" data-room-action="close">"Close the poll"</button>
                </p>
            </section>
            {questions(kind == "presenter")}
            <RoomFollower />
            <div hidden>{texts}</div>
        </aside>
    }
}

fn learner_controls() -> impl IntoView {
    view! {
        <p class="room-line">
            <span class="room-status" data-room-status role="status">"Joining the room…"</span>
            <label class="toggle">
                <input type="checkbox" data-room-follow checked />
                " Follow the presenter"
            </label>
            <button type="button" class="button" data-room-action="jump" data-room-jump hidden>
                "Jump to where the presenter is"
            </button>
        </p>
        <p class="room-pulse" data-room-pulse hidden>
            <span>"This section:"</span>
            <button type="button" class="button" data-room-action="mark" data-mark="done" aria-pressed="false">
                "I'm done"
            </button>
            <button type="button" class="button" data-room-action="mark" data-mark="stuck" aria-pressed="false">
                "I'm stuck"
            </button>
            <span class="room-pulse-note" data-room-pulse-note role="status"></span>
        </p>
        <p class="room-left" data-room-left hidden role="status">
            "The presenter has left. This page stays where it is, and follows again when they are back."
        </p>
    }
}

fn presenter_controls(join_url: String, checks: usize, planned: Planned) -> impl IntoView {
    let qr = join_qr_svg(&join_url);
    let ask_checks = (1..=checks)
        .map(|n| {
            view! {
                <button type="button" class="button" data-room-action="ask-check" data-check=n.to_string()>
                    "Ask check " {n}
                </button>
                " "
            }
        })
        .collect_view();
    view! {
        <p class="room-line">
            <span class="room-status" data-room-status role="status">"Connecting…"</span>
            <span>"Learners following: " <output data-room-count>"0"</output></span>
            <span>"The room is at: " <output data-room-at>"where each learner is"</output></span>
            <span>
                "This section: " <output data-room-done>"0"</output> " done, "
                <output data-room-stuck>"0"</output> " stuck"
            </span>
        </p>
        <p class="room-controls">
            <button type="button" class="button" data-room-action="prev">"Previous section"</button>
            <button type="button" class="button room-here" data-room-action="here">"Bring everyone here"</button>
            <button type="button" class="button" data-room-action="next">"Next section"</button>
            <button type="button" class="button" data-room-action="projector" aria-pressed="false">
                "Projector view"
            </button>
        </p>
        <p class="room-timer" data-room-timer>
            {timer("lesson", "This lesson", planned.lesson)}
            {timer("workshop", "Workshop", (planned.workshop > 0).then_some(planned.workshop))}
            <button type="button" class="button" data-room-action="restart-clock">"Restart the clock"</button>
        </p>
        <p class="room-error" data-room-error role="alert"></p>
        <details class="room-ask">
            <summary>"Ask the room a question"</summary>
            <form class="room-ask-form" data-room-ask-form>
                <label>
                    "Question"
                    <input type="text" data-room-question-input maxlength="300" />
                </label>
                <label>
                    "Options, one per line (2 to 6)"
                    <textarea data-room-options-input rows="4"></textarea>
                </label>
                <p>
                    <button type="submit" class="button" data-room-action="ask">"Ask"</button>
                    " "
                    {ask_checks}
                </p>
            </form>
        </details>
        <div class="room-projector">
            <div class="room-qr" role="img" aria-label="QR code of the join link" inner_html=qr></div>
            <p class="room-join">"Join at " <strong>{join_url}</strong></p>
        </div>
    }
}

/// Questions from the room: a learner asks and votes, the presenter marks
/// them; the island fills the list from the room's stream.
fn questions(presenter: bool) -> impl IntoView {
    let form = (!presenter).then(|| {
        view! {
            <form class="room-question-form" data-room-question-form>
                <label>
                    "Your question"
                    <textarea data-room-question-text rows="2" maxlength="280"></textarea>
                </label>
                <button type="submit" class="button" data-room-action="ask-question">"Send the question"</button>
            </form>
        }
    });
    view! {
        <details class="room-questions">
            <summary>"Questions from the room (" <output data-room-question-count>"0"</output> ")"</summary>
            {form}
            <p class="room-question-note" data-room-question-note role="status"></p>
            <ol class="room-question-list" data-room-question-list></ol>
        </details>
    }
}

/// One of the presenter's clocks: the time since the room came to the
/// lesson (or since the workshop started), and what the plan leaves, which
/// the island counts down once the room's stream says when it started.
fn timer(which: &'static str, label: &'static str, planned: Option<u64>) -> impl IntoView {
    let plan = planned.map(|seconds| {
        view! {
            " of " {clock_text(seconds)} ", "
            <output data-left>{clock_text(seconds)}</output>
            <span data-left-word>" left"</span>
            <span data-over-word hidden>" over"</span>
        }
    });
    view! {
        <span class="room-clock" data-room-clock=which data-planned=planned.map(|s| s.to_string())>
            {label} ": " <output data-elapsed>"not started"</output> {plan}
        </span>
    }
}

/// The join link as a QR code, an SVG drawn on the server.
fn join_qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<svg::Color>()
                .min_dimensions(240, 240)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build();
            // Without the `<?xml …?>` line, which HTML has no use for.
            svg.find("<svg")
                .map_or(svg.clone(), |at| svg[at..].to_string())
        }
        // Only a link longer than a QR code holds (about 2,900 bytes).
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_join_link_becomes_an_svg_qr_code() {
        let svg = join_qr_svg("http://192.168.1.20:3000/room");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<path"), "{svg}");
    }
}
