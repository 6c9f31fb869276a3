use engine::TextCrdt;
#[test]
fn probe() {
    let dir = traces::TraceDir::locate(None).unwrap();
    for name in ["sveltecomponent", "seph-blog1", "rustcode", "automerge-paper"] {
        let trace = dir.load_sequential(name).unwrap();
        let mut doc = engine::S00NaiveVec::new("trace");
        doc.insert(0, &trace.start_content);
        for p in trace.patches() { if p.del_chars > 0 { doc.delete(p.pos_chars, p.del_chars); } if !p.ins.is_empty() { doc.insert(p.pos_chars, &p.ins); } }
        let batch = doc.ops_since(&engine::Version::root());
        let t = std::time::Instant::now();
        let mut copy = engine::S00NaiveVec::new("o");
        copy.integrate(&batch).unwrap();
        eprintln!("PROBE remote {name}: {} ops, {} char ops, {} log entries, {:?}", batch.ops.len(), batch.char_op_count(), doc.op_log_entry_count(), t.elapsed());
        assert!(copy.text() == trace.end_content);
    }
}
