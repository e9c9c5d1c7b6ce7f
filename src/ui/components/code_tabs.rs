//! Code tabs, worked in the browser. The groups are server-rendered HTML
//! (`render/tabs.rs`) that shows every tab's code, labelled, without
//! JavaScript; this script, on a page that has tabs only, turns each group
//! into WAI-ARIA tabs: one panel shows, the arrow keys, Home and End move
//! between tabs, and the label chosen is remembered in this browser
//! (`localStorage`, key `realtime-lab.tab`) and shown in every group that
//! has it, on this page and the next.
//!
//! A few inline bytes, allowed by the page's CSP through their hash, rather
//! than an island: as a lazy island the same behaviour cost every page
//! with a demo about 1.5 KiB (wasm-split's shared glue and chunks), which
//! took the connection lab's lesson over its 120 KiB budget; inline, it
//! costs the pages without tabs nothing.

use leptos::prelude::*;

const CODE_TABS_SCRIPT: &str = r#"(()=>{let K="realtime-lab.tab",d=document,T=".code-tabs [role=tab]",m=(t,on)=>{t.setAttribute("aria-selected",on);t.tabIndex=on?0:-1;let p=d.getElementById(t.getAttribute("aria-controls"));if(p)p.hidden=!on},s=t=>{let o=t.parentNode.querySelector("[aria-selected=true]");if(o)m(o,!1);m(t,!0)},c=t=>{let l=t.dataset.tab;for(let x of d.querySelectorAll(T))if(x.dataset.tab==l)s(x);try{localStorage.setItem(K,l)}catch(e){}},r;try{r=localStorage.getItem(K)}catch(e){}for(let g of d.querySelectorAll(".code-tabs")){g.setAttribute("data-enhanced","");let l=g.querySelector("[role=tablist]"),ts=[...l.children];l.hidden=!1;let f=ts.find(t=>t.dataset.tab==r)||ts[0];for(let t of ts)m(t,t==f)}d.addEventListener("click",e=>{let t=e.target.closest?.(T);if(t)c(t)});d.addEventListener("keydown",e=>{let t=e.target.closest?.(T);if(!t)return;let ts=[...t.parentNode.children],i=ts.indexOf(t),z=ts.length,n={ArrowRight:(i+1)%z,ArrowLeft:(i+z-1)%z,Home:0,End:z-1}[e.key];if(n==null)return;e.preventDefault();c(ts[n]);ts[n].focus()})})()"#;

/// The script; once per page, after the groups it works.
#[component]
pub fn CodeTabsScript() -> impl IntoView {
    view! { <script inner_html=CODE_TABS_SCRIPT></script> }
}
