//! Live preview, the page's half: while the server watches a folder of
//! lessons (an author previewing), each page listens to
//! `/api/live-preview` (`server/live_preview.rs`, the server's half).

use leptos::prelude::*;

/// What a page runs when the server watches its lessons (see `app::shell`):
/// reload after a good save; list the problems of a refused one.
const LIVE_PREVIEW_SCRIPT: &str = r#"(()=>{let s=new EventSource("/api/live-preview"),o;s.addEventListener("reload",()=>location.reload());s.addEventListener("ready",()=>{if(o)location.reload()});s.addEventListener("problems",e=>{let r=JSON.parse(e.data),p=document.createElement("p"),l=document.createElement("ul");o=o||document.body.appendChild(document.createElement("div"));o.id="live-preview-problems";o.setAttribute("role","alert");p.textContent=`Not reloaded: ${r.problems.length} problem(s). This page shows the last good version until the next good save.`;for(let x of r.problems){let i=document.createElement("li");i.textContent=`${x.file}${x.line?":"+x.line:""}: ${x.message}`;l.append(i)}o.replaceChildren(p,l)})})()"#;

/// The script, in the page's head; the shell adds it only while the server
/// watches its lessons.
#[component]
pub fn LivePreviewScript() -> impl IntoView {
    view! { <script inner_html=LIVE_PREVIEW_SCRIPT></script> }
}
