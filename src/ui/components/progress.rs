//! The learner's progress, kept in this browser only (`localStorage`), and
//! shown beside each lesson on the course path and in the lesson list.
//!
//! A few inline bytes, allowed by the page's CSP through their hash, so a
//! page without a demo still loads no script file: the script fills in
//! each `[data-progress-of]` from what the knowledge checks recorded
//! (`ui/demos/knowledge_check`), and on a lesson page it marks the lesson
//! read once its end (`[data-lesson-end]`) has been on screen. Without
//! JavaScript, or with storage off, nothing shows and nothing is kept.

use leptos::prelude::*;

/// Keys in `localStorage`, each with the value `1`: `realtime-lab.read:SLUG`
/// once a lesson's end was on screen, `realtime-lab.passed:SLUG/N` once its
/// check N was answered right (written by the check's island), and
/// `realtime-lab.exercise:SLUG/ID` once its exercise ID passed (written by
/// `editor/src/editor.js`).
const PROGRESS_SCRIPT: &str = r#"(()=>{try{let s=localStorage,R="realtime-lab.read:",P="realtime-lab.passed:",X="realtime-lab.exercise:",f=()=>{let k=Object.keys(s),c=(p,l,n)=>Math.min(n,k.filter(i=>i.startsWith(p+l+"/")).length);for(let e of document.querySelectorAll("[data-progress-of]")){let l=e.dataset.progressOf,n=+e.dataset.checks,x=+e.dataset.exercises,d=c(P,l,n),y=c(X,l,x),t=[];s[R+l]&&t.push("read");d&&t.push(d+" of "+n+" checks passed");y&&t.push(y+" of "+x+" exercises passed");e.textContent=t.length?" ("+t.join(", ")+")":""}},m=document.querySelector("[data-lesson-end]");f();addEventListener("storage",f);m&&new IntersectionObserver((x,o)=>{if(x[0].isIntersecting){s[R+m.dataset.lessonEnd]=1;o.disconnect();f()}}).observe(m)}catch(e){}})()"#;

/// Where a lesson's progress shows: an empty span the script fills in.
#[component]
pub fn LessonProgress(slug: String, checks: usize, exercises: usize) -> impl IntoView {
    view! { <span class="lesson-progress" data-progress-of=slug data-checks=checks data-exercises=exercises></span> }
}

/// The script; once per page, after the places it fills in.
#[component]
pub fn ProgressScript() -> impl IntoView {
    view! { <script inner_html=PROGRESS_SCRIPT></script> }
}
