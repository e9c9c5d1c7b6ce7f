//! What the learner sees: pages (one per route), components shared by the
//! pages, and the live demos a lesson embeds. Components receive data, never
//! file paths; the data comes from `crate::api`.

pub mod components;
pub mod demos;
pub mod pages;
