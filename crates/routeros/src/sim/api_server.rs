//! One API session of the simulator: login, tags, reply sentences, faults.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};
use tokio::sync::mpsc;

use super::router::{Outcome, Trap};
use super::{Executed, Shared};
use crate::client::md5_response;
use crate::sentence::{Limits, SentenceReader, encode_sentence, split_attribute};

/// Before login a peer gets little room: it has not proven anything yet.
const PRE_LOGIN_LIMITS: Limits = Limits {
    max_word: 4096,
    max_sentence: 16 * 1024,
    max_words: 32,
};
const MAX_PRE_LOGIN_SENTENCES: u32 = 16;

/// A parsed command sentence.
struct Request {
    path: String,
    attrs: Vec<(String, String)>,
    queries: Vec<String>,
    tag: Option<String>,
}

impl Request {
    fn parse(words: Vec<String>) -> Request {
        let mut it = words.into_iter();
        let path = it.next().unwrap_or_default();
        let mut req = Request {
            path,
            attrs: Vec::new(),
            queries: Vec::new(),
            tag: None,
        };
        for w in it {
            if let Some(t) = w.strip_prefix(".tag=") {
                // An empty tag is the same as none.
                req.tag = (!t.is_empty()).then(|| t.to_owned());
            } else if let Some(q) = w.strip_prefix('?') {
                req.queries.push(q.to_owned());
            } else if let Some((k, v)) = split_attribute(&w) {
                req.attrs.push((k.to_owned(), v.to_owned()));
            }
        }
        req
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Reply sentences for one request, each carrying the request's tag if it had one.
struct Replies<'a> {
    tag: Option<&'a str>,
    sentences: Vec<Vec<String>>,
}

impl<'a> Replies<'a> {
    fn new(tag: Option<&'a str>) -> Self {
        Replies {
            tag,
            sentences: Vec::new(),
        }
    }

    fn push(&mut self, kind: &str, attrs: &[(String, String)]) {
        let mut s = Vec::with_capacity(attrs.len() + 2);
        s.push(kind.to_owned());
        s.extend(attrs.iter().map(|(k, v)| format!("={k}={v}")));
        if let Some(t) = self.tag {
            s.push(format!(".tag={t}"));
        }
        self.sentences.push(s);
    }

    fn done(mut self) -> Vec<Vec<String>> {
        self.push("!done", &[]);
        self.sentences
    }

    fn traps(mut self, traps: &[Trap]) -> Vec<Vec<String>> {
        for t in traps {
            let mut attrs = Vec::new();
            if let Some(c) = t.category {
                attrs.push(("category".to_owned(), c.to_string()));
            }
            attrs.push(("message".to_owned(), t.message.clone()));
            self.push("!trap", &attrs);
        }
        self.done()
    }
}

fn fatal(reason: &str) -> Vec<Vec<String>> {
    vec![vec!["!fatal".to_owned(), reason.to_owned()]]
}

struct Session {
    /// Connections of an older generation have been dropped by the router.
    generation: u64,
    logged_in: bool,
    challenge: Option<[u8; 16]>,
    sentences_before_login: u32,
}

/// What to send and whether to hang up afterwards.
type Answer = (Vec<Vec<String>>, bool);

impl Session {
    fn handle(&mut self, shared: &Shared, req: &Request) -> Answer {
        let replies = Replies::new(req.tag.as_deref());
        if req.path == "/quit" {
            return (fatal("session terminated on request"), true);
        }
        if req.path == "/login" {
            return self.login(shared, req, replies);
        }
        if !self.logged_in {
            // UNCONFIRMED on real routers; this is what common mocks do.
            return (fatal("not logged in"), true);
        }
        if req.path == "/cancel" {
            // Commands run to completion before the next is read, so nothing is ever running.
            return (replies.done(), false);
        }
        match shared.execute(self.generation, &req.path, &req.attrs, &req.queries) {
            Executed::Ran(result) => (self.outcome(shared, result, replies), false),
            // Hang up without a word: the connection is being dropped.
            Executed::RanThenDropped | Executed::Dropped => (Vec::new(), true),
        }
    }

    fn outcome(
        &self,
        shared: &Shared,
        result: Result<Outcome, Vec<Trap>>,
        mut replies: Replies,
    ) -> Vec<Vec<String>> {
        match result {
            Err(traps) => replies.traps(&traps),
            Ok(out) => {
                for row in &out.rows {
                    replies.push("!re", row);
                }
                if out.rows.is_empty() && out.is_print && shared.config.empty_replies {
                    replies.push("!empty", &[]);
                }
                replies.push("!done", &out.done);
                replies.sentences
            }
        }
    }

    fn login(&mut self, shared: &Shared, req: &Request, replies: Replies) -> Answer {
        let cfg = &shared.config;
        let name_ok = req.attr("name") == Some(cfg.username.as_str());
        let failure = if cfg.legacy_login {
            "cannot log in"
        } else {
            "invalid user name or password (6)"
        };
        let reject = |replies: Replies| {
            (
                replies.traps(&[Trap {
                    message: failure.to_owned(),
                    category: None,
                }]),
                false,
            )
        };
        if let Some(response) = req.attr("response") {
            let Some(challenge) = self.challenge.take() else {
                return reject(replies);
            };
            // 6.45.1+ still hands out a challenge but no longer accepts the answer.
            let expected = format!("00{}", md5_response(&cfg.password, &challenge));
            if cfg.legacy_login && name_ok && response.eq_ignore_ascii_case(&expected) {
                self.logged_in = true;
                return (replies.done(), false);
            }
            return reject(replies);
        }
        if cfg.legacy_login || req.attr("name").is_none() {
            let challenge = random_challenge();
            self.challenge = Some(challenge);
            let mut replies = replies;
            replies.push("!done", &[("ret".to_owned(), hex::encode(challenge))]);
            return (replies.sentences, false);
        }
        if name_ok && req.attr("password") == Some(cfg.password.as_str()) {
            self.logged_in = true;
            (replies.done(), false)
        } else {
            reject(replies)
        }
    }
}

fn random_challenge() -> [u8; 16] {
    let mut buf = [0u8; 16];
    // Failure leaves zeros: a weak challenge only weakens a test double's login.
    let _ = crate::tls::provider().secure_random.fill(&mut buf);
    buf
}

/// Serves one API connection until the peer leaves, `/quit`, or a fault.
///
/// Commands are handled in order as they arrive, but a delayed reply is sent
/// from its own task, so later commands are not held up behind it: a real
/// router also runs tagged commands side by side.
pub(crate) async fn serve<S>(stream: S, shared: Arc<Shared>, generation: u64)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (r, w) = tokio::io::split(stream);
    let (tx, rx) = mpsc::unbounded_channel::<(Vec<u8>, bool)>();
    let writer = write_replies(w, rx, shared.clone());
    let reading = async move {
        let mut reader = SentenceReader::new(BufReader::new(r), PRE_LOGIN_LIMITS);
        let mut session = Session {
            generation,
            logged_in: false,
            challenge: None,
            sentences_before_login: 0,
        };
        while let Ok(Some(words)) = reader.read_sentence().await {
            if !session.logged_in {
                session.sentences_before_login += 1;
                if session.sentences_before_login > MAX_PRE_LOGIN_SENTENCES {
                    break;
                }
            }
            let req = Request::parse(words);
            let (sentences, hang_up) = session.handle(&shared, &req);
            if session.logged_in {
                reader.set_limits(Limits::default());
            }
            let mut buf = Vec::new();
            for s in &sentences {
                encode_sentence(s, &mut buf);
            }
            let delay = shared.faults.reply_delay();
            if delay.is_zero() {
                let _ = tx.send((buf, hang_up));
            } else {
                let tx = tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let _ = tx.send((buf, hang_up));
                });
            }
            if hang_up {
                break;
            }
        }
    };
    let mut writer = std::pin::pin!(writer);
    tokio::select! {
        // The writer hung up (quit, fatal, fault): drop the whole connection.
        _ = &mut writer => return,
        _ = reading => {}
    }
    writer.await;
}

async fn write_replies<W: AsyncWrite + Unpin>(
    w: W,
    mut rx: mpsc::UnboundedReceiver<(Vec<u8>, bool)>,
    shared: Arc<Shared>,
) {
    let mut w = BufWriter::new(w);
    while let Some((buf, hang_up)) = rx.recv().await {
        if shared.faults.drop_mid_reply() {
            let cut = (buf.len() / 2).max(1);
            let _ = w.write_all(&buf[..cut]).await;
            break;
        }
        if w.write_all(&buf).await.is_err() {
            return;
        }
        // Flush only when nothing else is queued, so pipelined replies share packets.
        if (hang_up || rx.is_empty()) && w.flush().await.is_err() {
            return;
        }
        if hang_up {
            break;
        }
    }
    let _ = w.flush().await;
    let _ = w.shutdown().await;
}
