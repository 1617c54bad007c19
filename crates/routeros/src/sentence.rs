//! Sentences: words up to an empty word, typed replies, and a bounded framed
//! reader/writer usable by both the client and the simulator.

use std::collections::HashMap;

use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::word::{self, WordError};

/// Bounds applied while reading, so a hostile or broken peer cannot make us
/// allocate without limit.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest single word accepted.
    pub max_word: usize,
    /// Most bytes (sum of word lengths) in one sentence.
    pub max_sentence: usize,
    /// Most words in one sentence.
    pub max_words: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_word: 1 << 20,
            max_sentence: 4 << 20,
            max_words: 4096,
        }
    }
}

/// A framing-level failure.
#[derive(Debug, Error)]
pub enum FrameError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("connection closed in the middle of a sentence")]
    Truncated,
    #[error(transparent)]
    Word(#[from] WordError),
    #[error("word of {0} bytes exceeds the limit")]
    WordTooLong(u64),
    #[error("sentence exceeds the size limit")]
    SentenceTooLong,
    #[error("sentence has too many words")]
    TooManyWords,
}

/// Encodes words followed by the terminating empty word.
pub fn encode_sentence<W: AsRef<[u8]>>(words: &[W], out: &mut Vec<u8>) {
    for w in words {
        word::encode_word(w.as_ref(), out);
    }
    out.push(0);
}

/// Reads whole sentences from a byte stream.
pub struct SentenceReader<R> {
    inner: R,
    limits: Limits,
}

impl<R: AsyncRead + Unpin> SentenceReader<R> {
    /// Wrap `inner`; give it a buffered reader, the reader issues small reads.
    pub fn new(inner: R, limits: Limits) -> Self {
        SentenceReader { inner, limits }
    }

    /// The wrapped reader, e.g. to see whether more input is already buffered.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped reader, e.g. to peek at buffered bytes before reading a sentence.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Next non-empty sentence, `Ok(None)` on a clean end of stream between sentences.
    pub async fn read_sentence(&mut self) -> Result<Option<Vec<String>>, FrameError> {
        let mut words = Vec::new();
        let mut total = 0usize;
        loop {
            let first = match self.inner.read_u8().await {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return if words.is_empty() {
                        Ok(None)
                    } else {
                        Err(FrameError::Truncated)
                    };
                }
                Err(e) => return Err(e.into()),
            };
            let extra = word::extra_len_bytes(first)?;
            let mut rest = [0u8; 4];
            self.read_exact(&mut rest[..extra]).await?;
            let len = word::len_from_prefix(first, &rest[..extra])? as usize;
            if len == 0 {
                // Empty sentences carry nothing and are skipped, as the protocol says.
                if words.is_empty() {
                    continue;
                }
                return Ok(Some(words));
            }
            if len > self.limits.max_word {
                return Err(FrameError::WordTooLong(len as u64));
            }
            total = total.saturating_add(len);
            if total > self.limits.max_sentence {
                return Err(FrameError::SentenceTooLong);
            }
            if words.len() >= self.limits.max_words {
                return Err(FrameError::TooManyWords);
            }
            let mut buf = vec![0u8; len];
            self.read_exact(&mut buf).await?;
            words.push(match String::from_utf8(buf) {
                Ok(s) => s,
                // RouterOS sends the console's code page; keep going rather than fail the session.
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            });
        }
    }

    async fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), FrameError> {
        match self.inner.read_exact(buf).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(FrameError::Truncated),
            Err(e) => Err(e.into()),
        }
    }
}

/// Writes a sentence and flushes it.
pub async fn write_sentence<W, S>(w: &mut W, words: &[S]) -> std::io::Result<()>
where
    W: AsyncWrite + Unpin,
    S: AsRef<[u8]>,
{
    let mut buf = Vec::new();
    encode_sentence(words, &mut buf);
    w.write_all(&buf).await?;
    w.flush().await
}

/// Splits `=key=value` into its parts; the value may itself contain `=`.
pub fn split_attribute(word: &str) -> Option<(&str, &str)> {
    let body = word.strip_prefix('=')?;
    match body.split_once('=') {
        Some((k, v)) => Some((k, v)),
        None => Some((body, "")),
    }
}

/// A reply sentence from the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// One row of data.
    Re {
        tag: Option<String>,
        attrs: HashMap<String, String>,
    },
    /// End of a command; may carry data such as `ret`.
    Done {
        tag: Option<String>,
        attrs: HashMap<String, String>,
    },
    /// Command failed; a `!done` still follows.
    Trap {
        tag: Option<String>,
        message: String,
        category: Option<u32>,
    },
    /// The router is closing the session; carries a bare reason word.
    Fatal { tag: Option<String>, reason: String },
    /// RouterOS 7.18+: the command produced no rows.
    Empty { tag: Option<String> },
}

/// Why a sentence is not a valid reply.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("empty sentence")]
    Empty,
    #[error("unknown reply word {0:?}")]
    UnknownReply(String),
}

impl Reply {
    pub fn parse(words: &[String]) -> Result<Reply, ParseError> {
        let (kind, rest) = words.split_first().ok_or(ParseError::Empty)?;
        let mut tag = None;
        let mut attrs = HashMap::new();
        let mut bare = Vec::new();
        for w in rest {
            if let Some(t) = w.strip_prefix(".tag=") {
                tag = Some(t.to_owned());
            } else if let Some((k, v)) = split_attribute(w) {
                attrs.insert(k.to_owned(), v.to_owned());
            } else {
                bare.push(w.as_str());
            }
        }
        Ok(match kind.as_str() {
            "!re" => Reply::Re { tag, attrs },
            "!done" => Reply::Done { tag, attrs },
            "!empty" => Reply::Empty { tag },
            "!trap" => Reply::Trap {
                tag,
                message: attrs.remove("message").unwrap_or_default(),
                category: attrs.get("category").and_then(|c| c.parse().ok()),
            },
            "!fatal" => Reply::Fatal {
                tag,
                // The reason is a bare word; accept `=message=` too, some proxies rewrite it.
                reason: bare
                    .first()
                    .map(|s| (*s).to_owned())
                    .or_else(|| attrs.remove("message"))
                    .unwrap_or_default(),
            },
            other => return Err(ParseError::UnknownReply(other.to_owned())),
        })
    }

    pub fn tag(&self) -> Option<&str> {
        match self {
            Reply::Re { tag, .. }
            | Reply::Done { tag, .. }
            | Reply::Trap { tag, .. }
            | Reply::Fatal { tag, .. }
            | Reply::Empty { tag } => tag.as_deref(),
        }
    }
}

/// A command to send: path, attributes, queries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    pub path: String,
    pub attrs: Vec<(String, String)>,
    /// Query words without the leading `?`, e.g. `name=alice` or `#|`.
    pub queries: Vec<String>,
}

impl Command {
    pub fn new(path: impl Into<String>) -> Self {
        Command {
            path: path.into(),
            ..Default::default()
        }
    }

    pub fn attr(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attrs.push((key.into(), value.into()));
        self
    }

    pub fn query(mut self, q: impl Into<String>) -> Self {
        self.queries.push(q.into());
        self
    }

    /// Limits the returned properties; cheaper on the router than printing everything.
    pub fn proplist(self, props: &[&str]) -> Self {
        self.attr(".proplist", props.join(","))
    }

    /// Words of the sentence, with `.tag` appended when given.
    pub fn to_words(&self, tag: Option<&str>) -> Vec<String> {
        let mut words = Vec::with_capacity(2 + self.attrs.len() + self.queries.len());
        words.push(self.path.clone());
        for (k, v) in &self.attrs {
            words.push(format!("={k}={v}"));
        }
        for q in &self.queries {
            words.push(if q.starts_with('?') {
                q.clone()
            } else {
                format!("?{q}")
            });
        }
        if let Some(t) = tag {
            words.push(format!(".tag={t}"));
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    async fn read_all(bytes: Vec<u8>, limits: Limits) -> Vec<Result<Option<Vec<String>>, String>> {
        let mut r = SentenceReader::new(&bytes[..], limits);
        let mut out = Vec::new();
        loop {
            let res = r.read_sentence().await.map_err(|e| e.to_string());
            let stop = !matches!(res, Ok(Some(_)));
            out.push(res);
            if stop {
                return out;
            }
        }
    }

    #[tokio::test]
    async fn reads_sentences_and_skips_empty_ones() {
        let mut bytes = Vec::new();
        encode_sentence(&["!re", "=name=a=b"], &mut bytes);
        bytes.push(0);
        encode_sentence(&["!done"], &mut bytes);
        let got = read_all(bytes, Limits::default()).await;
        assert_eq!(
            got,
            vec![
                Ok(Some(w(&["!re", "=name=a=b"]))),
                Ok(Some(w(&["!done"]))),
                Ok(None)
            ]
        );
    }

    #[tokio::test]
    async fn truncated_and_hostile_input() {
        // Claims a 0x0FFFFFFF-byte word: must be refused before allocating.
        let got = read_all(vec![0xEF, 0xFF, 0xFF, 0xFF, b'x'], Limits::default()).await;
        assert!(
            matches!(&got[0], Err(e) if e.contains("exceeds")),
            "{got:?}"
        );
        // Control byte.
        let got = read_all(vec![0xF8], Limits::default()).await;
        assert!(
            matches!(&got[0], Err(e) if e.contains("control byte")),
            "{got:?}"
        );
        // Cut in the middle of a word.
        let got = read_all(vec![0x05, b'!', b'd'], Limits::default()).await;
        assert!(matches!(&got[0], Err(e) if e.contains("middle")), "{got:?}");
        // Too many words.
        let mut bytes = Vec::new();
        encode_sentence(&["a"; 10], &mut bytes);
        let limits = Limits {
            max_words: 5,
            ..Limits::default()
        };
        let got = read_all(bytes, limits).await;
        assert!(
            matches!(&got[0], Err(e) if e.contains("too many")),
            "{got:?}"
        );
        // Sum of words over the sentence limit.
        let mut bytes = Vec::new();
        encode_sentence(&["abcdef"; 4], &mut bytes);
        let limits = Limits {
            max_sentence: 20,
            ..Limits::default()
        };
        let got = read_all(bytes, limits).await;
        assert!(
            matches!(&got[0], Err(e) if e.contains("size limit")),
            "{got:?}"
        );
    }

    #[test]
    fn parses_replies() {
        assert_eq!(
            Reply::parse(&w(&[
                "!re",
                "=.id=*1",
                "=name=alice",
                "=comment=",
                ".tag=7"
            ]))
            .unwrap(),
            Reply::Re {
                tag: Some("7".into()),
                attrs: HashMap::from([
                    (".id".into(), "*1".into()),
                    ("name".into(), "alice".into()),
                    ("comment".into(), "".into())
                ])
            }
        );
        assert_eq!(
            Reply::parse(&w(&["!done", "=ret=*A"])).unwrap(),
            Reply::Done {
                tag: None,
                attrs: HashMap::from([("ret".into(), "*A".into())])
            }
        );
        assert_eq!(
            Reply::parse(&w(&["!trap", "=category=1", "=message=bad", ".tag=x"])).unwrap(),
            Reply::Trap {
                tag: Some("x".into()),
                message: "bad".into(),
                category: Some(1)
            }
        );
        assert_eq!(
            Reply::parse(&w(&[
                "!trap",
                "=message=failure: secret with the same name already exists"
            ]))
            .unwrap(),
            Reply::Trap {
                tag: None,
                message: "failure: secret with the same name already exists".into(),
                category: None
            }
        );
        assert_eq!(
            Reply::parse(&w(&["!fatal", "session terminated on request"])).unwrap(),
            Reply::Fatal {
                tag: None,
                reason: "session terminated on request".into()
            }
        );
        assert_eq!(
            Reply::parse(&w(&["!empty", ".tag=3"])).unwrap(),
            Reply::Empty {
                tag: Some("3".into())
            }
        );
        assert_eq!(
            Reply::parse(&w(&["!bogus"])),
            Err(ParseError::UnknownReply("!bogus".into()))
        );
        assert_eq!(Reply::parse(&[]), Err(ParseError::Empty));
    }

    #[test]
    fn command_words() {
        let c = Command::new("/ppp/secret/print")
            .proplist(&[".id", "name"])
            .query("name=alice");
        assert_eq!(
            c.to_words(Some("4")),
            w(&[
                "/ppp/secret/print",
                "=.proplist=.id,name",
                "?name=alice",
                ".tag=4"
            ])
        );
        assert_eq!(split_attribute("=a=b=c"), Some(("a", "b=c")));
        assert_eq!(split_attribute("=flag"), Some(("flag", "")));
        assert_eq!(split_attribute("nope"), None);
    }

    proptest! {
        #[test]
        fn reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let limits = Limits { max_word: 64, max_sentence: 128, max_words: 8 };
            let got = rt.block_on(read_all(bytes, limits));
            for s in got.into_iter().flatten().flatten() {
                let _ = Reply::parse(&s);
            }
        }

        #[test]
        fn sentence_round_trip(words in proptest::collection::vec("[ -~]{1,300}", 1..6)) {
            let mut bytes = Vec::new();
            encode_sentence(&words, &mut bytes);
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let got = rt.block_on(read_all(bytes, Limits::default()));
            prop_assert_eq!(got[0].clone(), Ok(Some(words)));
        }
    }
}
