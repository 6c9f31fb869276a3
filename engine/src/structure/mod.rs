//! The pieces every structure step after step 0 is assembled from: leaves, leaf indexes, and
//! the one store that combines them ([`leaf_store::LeafStore`]). A step is a choice of type
//! parameters; see [`crate::steps`].

pub mod btree;
pub mod gap_text;
pub mod id_index;
pub mod index;
pub mod leaf;
pub mod leaf_store;
/// Only with `all-steps`: s37 (reverted) is its one user, and its rope (jumprope) is an
/// optional dependency so that an embedder's build of [`crate::Best`] has no third-party crate.
#[cfg(feature = "all-steps")]
pub mod text_apart;
