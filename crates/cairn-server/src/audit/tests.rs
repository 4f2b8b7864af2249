use super::*;

fn rec(a: &str) -> Record {
    Record {
        request_id: "r".into(),
        actor: "t".into(),
        action: a.into(),
        target: "home".into(),
        outcome: "accepted".into(),
        detail: String::new(),
    }
}

#[test]
fn tampering_is_found_at_the_first_bad_entry() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("audit.jsonl");
    let log = AuditLog::open(&p).unwrap();
    for a in ["backup", "restore", "verify", "backup"] {
        log.append(rec(a), time::OffsetDateTime::UNIX_EPOCH)
            .unwrap();
    }
    let (hs, hh) = log.head();
    assert_eq!(hs, 5, "audit.keyed, then 4");
    verify(&p, Some((hs, &hh)), None).unwrap();
    let good = std::fs::read_to_string(&p).unwrap();
    let lines: Vec<&str> = good.lines().collect();

    std::fs::write(&p, good.replace("\"restore\"", "\"rest0re\"")).unwrap();
    assert!(verify(&p, None, None)
        .unwrap_err()
        .to_string()
        .contains("line 3"));
    let mut del = lines.clone();
    del.remove(1);
    std::fs::write(&p, del.join("\n")).unwrap();
    assert!(verify(&p, None, None)
        .unwrap_err()
        .to_string()
        .contains("line 2"));
    let mut swap = lines.clone();
    swap.swap(1, 2);
    std::fs::write(&p, swap.join("\n")).unwrap();
    assert!(verify(&p, None, None)
        .unwrap_err()
        .to_string()
        .contains("line 2"));
    std::fs::write(&p, lines[..3].join("\n")).unwrap();
    verify(&p, None, None).unwrap();
    assert!(verify(&p, Some((hs, &hh)), None)
        .unwrap_err()
        .to_string()
        .contains("truncated"));
    // Reopening a broken log refuses to append to it.
    std::fs::write(&p, good.replace("\"verify\"", "\"verifx\"")).unwrap();
    assert!(AuditLog::open(&p).is_err());
}

fn key_of(p: &std::path::Path) -> AuditKey {
    AuditKey::load(&secret::key_path(p)).unwrap()
}

#[test]
fn a_rewritten_entry_with_a_recomputed_tail_is_found_by_its_mac() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("audit.jsonl");
    let log = AuditLog::open(&p).unwrap();
    for a in ["backup", "restore", "verify"] {
        log.append(rec(a), time::OffsetDateTime::UNIX_EPOCH)
            .unwrap();
    }
    let key = key_of(&p);
    let v = verify(&p, None, Some(&key)).unwrap();
    assert_eq!(
        (v.entries, v.macs_checked),
        (4, 4),
        "audit.keyed first, then 3"
    );
    // The attacker edits entry 3 and recomputes every hash after it (the
    // hashes need no secret), keeping the old MACs or dropping them.
    let mut entries: Vec<Entry> = std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    entries[2].action = "rest0re".into();
    for drop_macs in [false, true] {
        let mut prev = entries[1].hash.clone();
        let mut forged = entries.clone();
        for e in forged.iter_mut().skip(2) {
            e.prev = prev.clone();
            e.hash = e.compute_hash();
            if drop_macs {
                e.mac.clear();
            }
            prev = e.hash.clone();
        }
        let text: String = forged
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect();
        std::fs::write(&p, text).unwrap();
        verify(&p, None, None).expect("the hash chain alone is fooled");
        let e = verify(&p, None, Some(&key)).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(
            AuditLog::open(&p).is_err(),
            "the server refuses a forged log"
        );
    }
    // Stripping every MAC does not pass as an old, unkeyed log either.
    let text: String = entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.mac.clear();
            serde_json::to_string(&e).unwrap() + "\n"
        })
        .collect();
    std::fs::write(&p, text).unwrap();
    assert!(verify(&p, None, Some(&key)).is_err());
}

#[test]
fn a_torn_last_line_is_set_aside_and_recorded_and_files_are_0600() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("audit.jsonl");
    let log = AuditLog::open(&p).unwrap();
    log.append(rec("backup"), time::OffsetDateTime::UNIX_EPOCH)
        .unwrap();
    drop(log);
    for f in [p.clone(), secret::key_path(&p)] {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
    let whole = std::fs::read(&p).unwrap();
    // A crash in the middle of the next append.
    let torn = b"{\"seq\":3,\"time\":\"2026-11-27T00:0";
    let mut bytes = whole.clone();
    bytes.extend_from_slice(torn);
    std::fs::write(&p, &bytes).unwrap();
    assert!(verify(&p, None, None).is_err(), "torn as it is");
    let log = AuditLog::open(&p).unwrap();
    let aside = d.path().join(format!("audit.jsonl.torn-{}", whole.len()));
    assert_eq!(std::fs::read(&aside).unwrap(), torn);
    let mode = std::fs::metadata(&aside).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&p).unwrap();
    let last: Entry = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!((last.seq, last.action.as_str()), (3, "audit.recovered"));
    assert!(last.detail.contains("torn-"), "{}", last.detail);
    assert_eq!(log.head().0, 3);
    verify(&p, None, Some(&key_of(&p))).unwrap();
}

#[test]
fn two_writers_of_one_log_never_fork_the_chain() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("audit.jsonl");
    // The server and `cairn token create` each hold the log open.
    let a = std::sync::Arc::new(AuditLog::open(&p).unwrap());
    let b = std::sync::Arc::new(AuditLog::open(&p).unwrap());
    let threads: Vec<_> = [a, b]
        .into_iter()
        .map(|log| {
            std::thread::spawn(move || {
                for _ in 0..20 {
                    log.append(rec("backup"), time::OffsetDateTime::UNIX_EPOCH)
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let v = verify(&p, None, Some(&key_of(&p))).unwrap();
    assert_eq!(v.entries, 41);
}
