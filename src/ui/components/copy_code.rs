//! A copy button on every code block, worked in the browser by a few
//! inline bytes (allowed by the page's CSP through their hash), on pages
//! that have code only. Without JavaScript there is no button: the script
//! makes them. A copy says "Copied" on the button and, for a screen
//! reader, in a polite live region. Over plain HTTP on another machine's
//! address the clipboard API is missing (it needs a secure context), so
//! the script falls back to selecting the text in a hidden field and
//! `execCommand("copy")`.

use leptos::prelude::*;

const COPY_CODE_SCRIPT: &str = r#"(()=>{let d=document,l=d.createElement("p");l.className="visually-hidden";l.setAttribute("aria-live","polite");d.body.append(l);for(let p of d.querySelectorAll("pre.code")){let w=d.createElement("div"),b=d.createElement("button");w.className="code-wrap";b.type="button";b.className="copy-code";b.textContent="Copy";b.setAttribute("aria-label","Copy this code");p.before(w);w.append(p,b)}let c=t=>{if(window.isSecureContext&&navigator.clipboard)return navigator.clipboard.writeText(t);let a=d.createElement("textarea");a.value=t;a.className="visually-hidden";a.setAttribute("readonly","");d.body.append(a);a.select();let o=d.execCommand("copy");a.remove();return o?Promise.resolve():Promise.reject()},s=(b,ok)=>{b.textContent=ok?"Copied":"Not copied";l.textContent=ok?"Code copied":"The code could not be copied";setTimeout(()=>{b.textContent="Copy";l.textContent=""},2000)};d.addEventListener("click",e=>{let b=e.target.closest?.(".copy-code");if(b)c(b.previousElementSibling.textContent).then(()=>s(b,!0),()=>s(b,!1))})})()"#;

/// The script; once per page, after the code blocks it works.
#[component]
pub fn CopyCodeScript() -> impl IntoView {
    view! { <script inner_html=COPY_CODE_SCRIPT></script> }
}
