//! Length prefixes of API words.
//!
//! A word is a big-endian length prefix of 1 to 5 bytes followed by that many
//! bytes. The prefix's high bits say how many bytes it spans, which is why the
//! ranges below are not powers of 256.

use thiserror::Error;

/// Largest length the 4-byte form can carry; beyond it the 5-byte `0xF0` form is used.
const MAX_FOUR_BYTE: u32 = 0x0FFF_FFFF;

/// Why a length prefix could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum WordError {
    /// First byte `>= 0xF8`: reserved for control bytes, never a length.
    #[error("reserved control byte 0x{0:02X} where a word length was expected")]
    ControlByte(u8),
}

/// Appends the length prefix for a word of `len` bytes.
pub fn encode_len(len: u32, out: &mut Vec<u8>) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0x3FFF => out.extend_from_slice(&((len | 0x8000) as u16).to_be_bytes()),
        0x4000..=0x1F_FFFF => out.extend_from_slice(&(len | 0xC0_0000).to_be_bytes()[1..]),
        0x20_0000..=MAX_FOUR_BYTE => out.extend_from_slice(&(len | 0xE000_0000).to_be_bytes()),
        _ => {
            out.push(0xF0);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

/// Appends a whole word (prefix and bytes).
///
/// # Panics
/// Never for inputs below 4 GiB; a longer word cannot be expressed by the protocol,
/// so it is truncated to `u32::MAX` bytes rather than sending a wrong prefix.
pub fn encode_word(word: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(word.len()).unwrap_or(u32::MAX);
    encode_len(len, out);
    out.extend_from_slice(&word[..len as usize]);
}

/// How many prefix bytes follow the first byte (total prefix length minus one).
pub fn extra_len_bytes(first: u8) -> Result<usize, WordError> {
    match first {
        0x00..=0x7F => Ok(0),
        0x80..=0xBF => Ok(1),
        0xC0..=0xDF => Ok(2),
        0xE0..=0xEF => Ok(3),
        0xF0..=0xF7 => Ok(4),
        _ => Err(WordError::ControlByte(first)),
    }
}

/// Combines a first byte and its extra prefix bytes into a length.
///
/// `rest` must hold exactly `extra_len_bytes(first)` bytes.
pub fn len_from_prefix(first: u8, rest: &[u8]) -> Result<u32, WordError> {
    let extra = extra_len_bytes(first)?;
    debug_assert_eq!(rest.len(), extra);
    let mut len: u32 = match extra {
        0 => return Ok(u32::from(first)),
        1 => u32::from(first & 0x3F),
        2 => u32::from(first & 0x1F),
        3 => u32::from(first & 0x0F),
        // The 0xF0 form ignores the first byte's low bits: the four bytes are the length.
        _ => 0,
    };
    for b in rest.iter().take(extra) {
        len = (len << 8) | u32::from(*b);
    }
    Ok(len)
}

/// Decodes a length prefix at the start of `buf`.
///
/// Returns `Ok(None)` when `buf` is too short to hold the whole prefix, or
/// `Ok(Some((len, prefix_bytes)))`.
pub fn decode_len(buf: &[u8]) -> Result<Option<(u32, usize)>, WordError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let extra = extra_len_bytes(first)?;
    let Some(rest) = buf.get(1..=extra) else {
        return Ok(None);
    };
    Ok(Some((len_from_prefix(first, rest)?, extra + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc(len: u32) -> Vec<u8> {
        let mut v = Vec::new();
        encode_len(len, &mut v);
        v
    }

    // Vectors written by hand from the prefix table of the API documentation.
    #[test]
    fn boundary_vectors() {
        let cases: &[(u32, &[u8])] = &[
            (0x00, &[0x00]),
            (0x01, &[0x01]),
            (0x7F, &[0x7F]),
            (0x80, &[0x80, 0x80]),
            (0x3FFF, &[0xBF, 0xFF]),
            (0x4000, &[0xC0, 0x40, 0x00]),
            (0x1F_FFFF, &[0xDF, 0xFF, 0xFF]),
            (0x20_0000, &[0xE0, 0x20, 0x00, 0x00]),
            (0x0FFF_FFFF, &[0xEF, 0xFF, 0xFF, 0xFF]),
            (0x1000_0000, &[0xF0, 0x10, 0x00, 0x00, 0x00]),
            (0xFFFF_FFFF, &[0xF0, 0xFF, 0xFF, 0xFF, 0xFF]),
        ];
        for (len, bytes) in cases {
            assert_eq!(enc(*len), bytes.to_vec(), "encoding 0x{len:X}");
            assert_eq!(
                decode_len(bytes),
                Ok(Some((*len, bytes.len()))),
                "decoding 0x{len:X}"
            );
        }
    }

    #[test]
    fn control_bytes_rejected() {
        for b in 0xF8..=0xFFu8 {
            assert_eq!(decode_len(&[b, 0, 0, 0, 0]), Err(WordError::ControlByte(b)));
        }
    }

    #[test]
    fn short_prefix_asks_for_more() {
        assert_eq!(decode_len(&[]), Ok(None));
        assert_eq!(decode_len(&[0x80]), Ok(None));
        assert_eq!(decode_len(&[0xC0, 0x40]), Ok(None));
        assert_eq!(decode_len(&[0xE0, 0x20, 0x00]), Ok(None));
        assert_eq!(decode_len(&[0xF0, 0x10, 0x00, 0x00]), Ok(None));
    }

    #[test]
    fn whole_word_encoding() {
        let mut v = Vec::new();
        encode_word(b"!done", &mut v);
        assert_eq!(v, b"\x05!done".to_vec());
        let long = vec![b'a'; 0x80];
        let mut v = Vec::new();
        encode_word(&long, &mut v);
        assert_eq!(&v[..2], &[0x80, 0x80]);
        assert_eq!(v.len(), 0x82);
    }

    proptest! {
        #[test]
        fn round_trip(len in any::<u32>()) {
            let bytes = enc(len);
            prop_assert_eq!(decode_len(&bytes), Ok(Some((len, bytes.len()))));
        }

        #[test]
        fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
            let _ = decode_len(&bytes);
        }
    }
}
