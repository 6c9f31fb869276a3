//! The per-run time limit, `--cell-timeout`: a subject that hangs fails its own cell, and the
//! run goes on.
//!
//! A thread cannot be killed, and a hung subject may spin a core forever, which would slow
//! every cell timed after it on this 2-core machine. So the timed runs stay on the main thread,
//! exactly as without a limit, and a watchdog thread waits for the deadline of the run in
//! progress. When a run passes it, the watchdog (holding its lock, so the main thread cannot
//! move on meanwhile) calls the handler the command installed: `compare` records the cell as
//! failed ("timed out") in the run's results file next to every finished cell, and replaces the
//! process (`exec`) with `crdt-bench compare --resume DIR`, which runs the cells still missing.
//! The hung thread dies with the old process image; nothing keeps running in the background.
//! A `memory` cell runs in a child process, which `memory.rs` kills itself at the same limit.
//!
//! Arming costs a mutex lock and a condvar notify per run, outside the timed region (a run's
//! time is taken inside the replay); the watchdog thread then wakes for a few microseconds to
//! read the new deadline, and sleeps until it. With no watchdog started, [`arm`] is a no-op.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Which cell a run belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellId {
    pub subject: String,
    pub trace: String,
    pub workload: String,
}

/// The run in progress, if any, and its deadline.
#[derive(Default)]
struct State {
    armed: Option<(CellId, Instant)>,
}

struct Dog {
    timeout: Duration,
    state: Mutex<State>,
    wake: Condvar,
}

static DOG: OnceLock<Dog> = OnceLock::new();

/// The default `--cell-timeout`, seconds: far above any real run here (the slowest, automerge
/// and yrs on the big traces, take about 6 s a run), low enough that a hang costs minutes.
pub const DEFAULT_CELL_TIMEOUT_S: f64 = 600.0;

/// Starts the watchdog (once per process; a second call is ignored). `on_timeout` runs on the
/// watchdog thread with the hung run's cell; it should not return (it writes the results and
/// replaces the process); if it does, the process exits with code 1.
pub fn start(timeout: Duration, on_timeout: impl Fn(&CellId) + Send + 'static) {
    if DOG.set(Dog { timeout, state: Mutex::new(State::default()), wake: Condvar::new() }).is_err() {
        return;
    }
    std::thread::Builder::new()
        .name("crdt-bench-watchdog".into())
        .spawn(move || watch(DOG.get().expect("set above"), on_timeout))
        .expect("spawning the watchdog thread");
}

/// The limit the watchdog was started with, if any.
pub fn timeout() -> Option<Duration> {
    DOG.get().map(|d| d.timeout)
}

fn watch(dog: &Dog, on_timeout: impl Fn(&CellId)) {
    let mut state = dog.state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        // Every arm and disarm notifies, so each wake-up looks at the run in progress now.
        let deadline = match &state.armed {
            None => {
                state = dog.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            Some((_, deadline)) => *deadline,
        };
        let now = Instant::now();
        if now < deadline {
            state = dog.wake.wait_timeout(state, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
            continue;
        }
        if let Some((cell, _)) = &state.armed {
            // The lock stays held: the main thread blocks in `disarm` if the run ends now, so
            // the cell cannot be both recorded as timed out and finish.
            on_timeout(cell);
            std::process::exit(i32::from(crate::EXIT_CELL_FAILED));
        }
    }
}

/// Starts the clock for one run of `cell`; the returned guard stops it when dropped.
pub fn arm(cell: impl FnOnce() -> CellId) -> Armed {
    if let Some(dog) = DOG.get() {
        let mut state = dog.state.lock().unwrap_or_else(|e| e.into_inner());
        state.armed = Some((cell(), Instant::now() + dog.timeout));
        dog.wake.notify_one();
    }
    Armed(())
}

/// A run in progress (see [`arm`]).
#[must_use]
pub struct Armed(());

impl Drop for Armed {
    fn drop(&mut self) {
        if let Some(dog) = DOG.get() {
            let mut state = dog.state.lock().unwrap_or_else(|e| e.into_inner());
            state.armed = None;
            dog.wake.notify_one();
        }
    }
}
