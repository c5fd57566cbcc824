use super::*;

const HEX: &str = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";

#[test]
fn fingerprints_read_as_people_paste_them() {
    let canonical = HEX.to_ascii_uppercase();
    for text in [
        HEX.to_owned(),
        HEX.replace(':', ""),
        HEX.replace(':', " "),
        format!("sha256:{}", HEX.replace(':', "")),
        format!("SHA256 Fingerprint={}", HEX.to_ascii_uppercase()),
        format!("  {HEX}  "),
    ] {
        let f = Fingerprint::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(f.to_string(), canonical, "{text}");
    }
}

#[test]
fn wrong_fingerprints_are_refused_with_what_to_paste() {
    for text in ["", "abc", &HEX[..HEX.len() - 3], &HEX.replace('a', "g")] {
        let e = Fingerprint::parse(text).unwrap_err();
        assert!(e.contains("64 hex digits"), "{e}");
    }
    // A SHA-1 fingerprint (20 bytes) is not taken for a SHA-256 one.
    let sha1 = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01";
    assert!(Fingerprint::parse(sha1).is_err());
}

#[test]
fn a_refusal_says_what_to_do() {
    let presented = Fingerprint::of_der(b"presented");
    let pinned = Fingerprint::of_der(b"pinned");
    let unpinned = refusal_sentence(&Refusal {
        presented: Some(presented),
        pinned: None,
    });
    assert!(unpinned.contains(&presented.to_string()), "{unpinned}");
    assert!(
        unpinned.contains("config set source.tls_fingerprint"),
        "{unpinned}"
    );
    let mismatch = refusal_sentence(&Refusal {
        presented: Some(presented),
        pinned: Some(pinned),
    });
    assert!(mismatch.contains(&pinned.to_string()), "{mismatch}");
    assert!(mismatch.contains("not the one pinned"), "{mismatch}");
}
