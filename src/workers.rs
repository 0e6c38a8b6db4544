//! The one pool of worker threads that loading and evaluation share. The same
//! threads parse the files and then evaluate them, so the allocator's per-thread heaps
//! that hold the figures serve the evaluation too: with a second pool for evaluation
//! (as before), each extra thread added about 6 MiB to the peak (10,000 national
//! entities: 112 MiB on 2 threads, 208 MiB on 16). Each thread's stack is deep enough
//! for the solver's exact path, which follows derived metrics recursively (validation
//! bounds their depth).

use std::sync::OnceLock;

const WORKER_STACK: usize = 64 * 1024 * 1024;

static POOL: OnceLock<Result<rayon::ThreadPool, String>> = OnceLock::new();

/// The pool, started on first use (`RAYON_NUM_THREADS` threads, else one per core);
/// the reason when the threads cannot be started.
pub fn pool() -> Result<&'static rayon::ThreadPool, &'static str> {
    POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK).build().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(String::as_str)
}

/// Run `job` on the pool: its parallel iterators use the pool's threads. Without a
/// pool (the threads could not be started) it runs on rayon's global pool.
pub fn install<R: Send>(job: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Ok(pool) => pool.install(job),
        Err(_) => job(),
    }
}
