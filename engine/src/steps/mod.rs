//! The steps of the optimization log, one module each. Register a new step in
//! [`registry`](crate::registry). Steps after step 0 are type aliases: a choice of leaf, leaf
//! index and flags for [`LeafStore`](crate::structure::leaf_store::LeafStore).

pub mod s00_naive_vec;
pub mod s01_chunked_list;
pub mod s02_id_index;
pub mod s03_spans;
pub mod s04_compact_spans;
pub mod s05_fenwick;
pub mod s06_prefix_sums;
pub mod s07_cursor_cache;
pub mod s08_btree;
pub mod s09_btree_leaf_32;
pub mod s10_btree_leaf_128;
pub mod s11_btree_node_8;
pub mod s12_btree_node_32;
pub mod s13_leaf_text_cap;
pub mod s14_leaf_text_cap_256;
pub mod s15_paged_id_index;
pub mod s16_deferred_counts;
pub mod s17_buffered_inserts;
pub mod s18_buffered_deletes;
pub mod s19_bulk_insert;
pub mod s20_lazy_id_index;
pub mod s21_log_backspace_runs;
pub mod s22_known_length;
pub mod s23_leaf_reserve;
pub mod s24_leaf_64;
pub mod s25_leaf_128;
pub mod s26_max_items_2048;
pub mod s27_max_items_4096;
pub mod s28_bulk_insert_retried;
pub mod s29_compact_log;
pub mod s30_back_hint;
pub mod s31_lens_apart;
pub mod s32_chunked_log;
pub mod s33_chunked_log_1k;
pub mod s34_full_spans;
pub mod s35_leaves_fit;
pub mod s36_chunked_compact_log;
#[cfg(feature = "all-steps")]
pub mod s37_text_apart;
pub mod s38_inline_pending;
pub mod s39_backward_ops;
pub mod s40_text_in_log;
pub mod s41_compact_log_cached;
pub mod s42_origins_in_log;
