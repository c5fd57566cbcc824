//! Hashes and random bytes written as text: lower-case hexadecimal. A leaf
//! below the engine (ticket xrefs, content hashes) and the sources (detail
//! ids), so neither needs the other for it.

/// `bytes` as lowercase hexadecimal, two digits each.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::hex(&[]), "");
    }
}
