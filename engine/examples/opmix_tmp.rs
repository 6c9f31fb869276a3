use engine::{Best, TextCrdt, Version, OpKind};
use traces::TraceDir;
fn main() {
    let dir = TraceDir::locate(None).unwrap();
    for name in ["sveltecomponent","rustcode","seph-blog1","automerge-paper"] {
        let trace = dir.load_sequential(name).unwrap();
        let mut doc = Best::new("trace");
        doc.insert(0, &trace.start_content);
        for txn in &trace.txns { for p in &txn.patches {
            if p.del_chars > 0 { doc.delete(p.pos_chars, p.del_chars); }
            if !p.ins.is_empty() { doc.insert(p.pos_chars, &p.ins); } } }
        let ops = doc.ops_since(&Version::root());
        let (mut ins, mut del1, mut deln, mut back) = (0,0,0,0);
        let mut prev: Option<(u32,u32)> = None; // (op seq end, target seq)
        for op in &ops.ops { match &op.kind {
            OpKind::Insert{..} => { ins+=1; prev=None; }
            OpKind::Delete{target, len_chars} => {
                if *len_chars==1 { del1+=1; if let Some((pseq, ptgt)) = prev { if pseq==op.id.seq && ptgt==target.seq+1 { back+=1; } } } else { deln+=1; }
                prev = Some((op.id.seq + len_chars, target.seq));
            } } }
        println!("{name}: ops {} ins {ins} del1 {del1} (continuing a backspace run: {back}) delN {deln}", ops.ops.len());
    }
}
