//! Our engine's steps, one subject per registered step (`engine/<step>`), plus `engine` for
//! the best step. Filled in from `engine::for_each_step!` once the engine exists.

use crate::registry::Entry;

pub(crate) fn register(_out: &mut Vec<Entry>) {}
