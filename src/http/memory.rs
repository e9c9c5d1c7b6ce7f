//! The server's allocator: jemalloc, set to give memory back soon after a
//! crowd leaves: background threads, and a second before freed pages go
//! back (set in `.cargo/config.toml`, `JEMALLOC_SYS_WITH_MALLOC_CONF`,
//! compiled into the binary).
//!
//! With glibc's allocator the server kept what ten thousand clock streams
//! had taken long after they closed (263 MiB from 62, ten seconds later);
//! with jemalloc and these settings it is back near its baseline within
//! seconds, and an open stream also costs less, since jemalloc never writes
//! into the parts of a buffer the program has not touched
//! (docs/lean-under-load.md). Measured, not assumed: mimalloc, tried too,
//! held more per stream (29.5 KiB against glibc's 19.4) and gave nothing
//! back within ten seconds.

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
