//! The steps of the optimization log, one module each. Register a new step in
//! [`registry`](crate::registry).

pub mod s00_naive_vec;
