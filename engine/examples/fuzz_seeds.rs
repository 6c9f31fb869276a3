//! Writes the committed seed corpus of the `op_decoder` fuzz target (`fuzz/seeds/op_decoder`):
//! the encoding of every base history's whole log and of a few peers' ops since a base,
//! each with the two selector bytes the target reads first (step, base history). Seeds that
//! decode spare the fuzzer from discovering the format's header and tags by chance.
//!
//! ```text
//! cargo run -p engine --features testing --example fuzz_seeds -- fuzz/seeds/op_decoder
//! ```

use engine::encoding::encode;
use engine::testing::fuzz::base_histories;
use engine::testing::history::World;
use engine::{S00NaiveVec, TextCrdt, Version};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: fuzz_seeds DIR");
        std::process::exit(2);
    };
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {dir}: {error}");
        std::process::exit(2);
    }
    let mut seeds = Vec::new();
    for (base_index, base) in base_histories().iter().enumerate() {
        // The whole log of a base history, onto the empty replica (base 0): it integrates.
        seeds.push((0u8, encode(base)));
        // A peer that forked base `base_index` and typed: its new ops, onto that base.
        let mut peer = S00NaiveVec::new("peer");
        peer.integrate(base).expect("a base history integrates");
        let at = peer.len_chars() / 2;
        peer.insert(at, "xy");
        if peer.len_chars() > 3 {
            peer.delete(0, 2);
        }
        let mut since = Version::root();
        for op in &base.ops {
            let name = &base.agents[op.id.agent as usize];
            let end = op.id.seq + op.len_chars() as u32;
            since.set_seq_count(name, since.seq_count(name).max(end));
        }
        seeds.push((base_index as u8, encode(&peer.ops_since(&since))));
    }
    // A concurrent history's log with every op kind (backspace runs, multi-char runs).
    let doc = World::<S00NaiveVec>::new("s00-naive-vec", 1000).run();
    seeds.push((0, encode(&doc.ops_since(&Version::root()))));
    for (index, (base, bytes)) in seeds.iter().enumerate() {
        // Step selector: spread the seeds over the steps.
        let mut input = vec![(index * 7) as u8, *base];
        input.extend_from_slice(bytes);
        let path = format!("{dir}/seed-{index:02}");
        if let Err(error) = std::fs::write(&path, &input) {
            eprintln!("cannot write {path}: {error}");
            std::process::exit(2);
        }
    }
    println!("wrote {} seeds to {dir}", seeds.len());
}
