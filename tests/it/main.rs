//! Every integration test, in one crate: cargo links one test binary
//! instead of one per file (each linking the whole server), and the files
//! share `common/` as modules. A test file is a module here; add yours to
//! the list.

mod common;

mod claims_marked;
mod cli;
mod code_contrast;
mod connections;
mod content_errors;
mod exercises;
mod frames;
mod http2_lane;
mod lab;
mod lean_smoke;
mod live_reload;
mod one_binary;
mod pages;
mod proxy_demo;
mod realtime_answer;
mod realtime_clock;
mod realtime_echo;
mod realtime_inspect;
mod realtime_leaky;
mod realtime_resume;
mod reconnect_crowd;
mod rolling_deploy;
mod room;
mod room_redis;
mod search;
mod site;
mod terminal_twins;
mod webtransport;
mod wire;
