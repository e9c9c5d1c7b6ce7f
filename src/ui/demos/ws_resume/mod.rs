//! Lesson 4's echo that survives a drop: both sides number their messages,
//! and after a reconnect each says the last number it has, so nothing is
//! lost and nothing arrives twice. "Lose the link" asks the server to lose
//! the echoes of the next messages and drop the connection, as a lost
//! Wi-Fi would; the learner watches the page reconnect and resume, or,
//! with resuming off, reconnect as a naive page does and lose them.

use leptos::prelude::*;

use super::markup::Markup;
use super::widgets::{hydrated_marker, Toggle};
use state::{Ledger, ResumeState};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;
mod state;

#[island(lazy)]
pub fn WsResume() -> impl IntoView {
    let state = ResumeState::new();
    #[cfg(feature = "hydrate")]
    browser::attach(state);
    let welcomed = move || state.ledger.with(|l| l.welcomed);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.write_requests.update(|n| *n += 1);
    };
    let burst = move |_| state.burst_requests.update(|n| *n += 1);
    let stat = move |f: fn(&Ledger) -> u64| move || state.ledger.with(f);
    view! {
        <div class="resume-demo" data-hydrated=hydrated_marker()>
            <div class="demo-controls">
                <span class=move || format!("ready-state ready-state-{}", state.ready_state.get())>
                    "readyState " {move || state.ready_state.get()}
                </span>
                <button class="button" disabled=move || !welcomed() on:click=burst>
                    "Send 6, losing the link after 3"
                </button>
                <Toggle checked=state.resume label="Resume after reconnecting (session, last seen, resend)" />
            </div>
            <form class="echo-send" on:submit=send>
                <label for="resume-text">"Text message"</label>
                <input id="resume-text" type="text" maxlength="200" prop:value=move || state.text.get()
                    on:input=move |ev| state.text.set(event_target_value(&ev)) />
                <button class="button" type="submit">"Send"</button>
            </form>
            <dl class="demo-stats">
                <div><dt>"Connections"</dt><dd class="resume-connections">{stat(|l| l.connection.into())}</dd></div>
                <div><dt>"Last server number seen"</dt><dd class="resume-seen">{stat(|l| l.seen)}</dd></div>
                <div><dt>"Sent"</dt><dd class="resume-sent">{stat(|l| l.counts().0 as u64)}</dd></div>
                <div><dt>"Echoed"</dt><dd class="resume-echoed">{stat(|l| l.counts().1 as u64)}</dd></div>
                <div><dt>"Lost"</dt><dd class="resume-lost">{stat(|l| l.counts().2 as u64)}</dd></div>
                <div><dt>"Server numbers missing"</dt><dd class="resume-missing">{stat(|l| l.missing)}</dd></div>
                <div><dt>"Came twice"</dt><dd class="resume-twice">{stat(|l| l.twice)}</dd></div>
            </dl>
            <p class="demo-note" role="status">{move || state.note.get()}</p>
            <Rows state />
        </div>
    }
}

/// The page's messages, oldest first, each with what became of it.
#[component]
fn Rows(state: ResumeState) -> impl IntoView {
    let rows = move || {
        let mut html = Markup::default();
        state.ledger.with(|ledger| {
            for row in &ledger.rows {
                let status = match (row.echo, row.lost) {
                    (_, true) => "lost",
                    (None, _) if row.sends == 0 => "waiting",
                    (None, _) => "sent",
                    (Some(_), _) => "echoed",
                };
                html.raw("<tr data-status=\"")
                    .raw(status)
                    .raw("\"><td class=\"num\">");
                html.number(row.num).raw("</td><td><code>").text(&row.text);
                html.raw("</code></td><td class=\"num\">").number(row.sends);
                html.raw("</td><td>");
                match row.echo {
                    Some((seq, on)) => {
                        html.raw("#").number(seq).raw(" on connection ").number(on);
                        if on > row.sent_on {
                            html.raw(" (after the reconnect)");
                        }
                    }
                    None => {
                        html.raw(status);
                    }
                }
                html.raw("</td></tr>");
            }
        });
        html.finish()
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="The page's messages">
            <table class="echo-log resume-log">
                <caption>"The page's messages, oldest first"</caption>
                <thead><tr><th>"Number"</th><th>"Text"</th><th>"Sent"</th><th>"Echo"</th></tr></thead>
                <tbody inner_html=rows></tbody>
            </table>
        </div>
    }
}
