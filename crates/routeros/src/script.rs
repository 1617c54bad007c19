//! RouterOS CLI script text (the form `/export` writes and an operator pastes
//! into a terminal) turned into API [`Command`]s, for the simple shape a setup
//! script has:
//!
//! ```text
//! # walled garden
//! /ip firewall nat
//! add chain=dstnat protocol=tcp dst-port=80 src-address-list=isolated \
//!     action=dst-nat to-addresses=10.0.0.5 to-ports=8080 comment="notice page"
//! /ip firewall address-list add list=garden address=api.midtrans.com
//! ```
//!
//! A line starting with `/` names a menu (words separated by spaces); when it
//! goes on with a command (`add`, `set`, `remove`, `enable`, `disable`, `print`)
//! that command runs in that menu and the current menu stays as it was. Other
//! lines are a command in the current menu. Arguments are `key=value`, values
//! plain or `"quoted"` with `\"`, `\\`, `\n`, `\r`, `\t`, `\$`, `\?`, `\_`
//! (space) and `\XX` (hex byte) escapes; a line ending in `\` goes on in the
//! next line, whose leading blanks are dropped, as `/export` breaks long lines.
//! Lines starting with `#` and blank lines are skipped (RouterOS manual: Scripting, "Line
//! joining", "Comments", "Escape sequences").
//!
//! Anything else is refused with its line number rather than guessed at:
//! scripting (`:foreach`, `:local`, `:if`, `;`), `[find ...]` and other
//! `[...]` expressions, `$variables`, `{ }` blocks, relative menus and
//! positional arguments such as item numbers (they depend on print order).

use std::fmt;

use crate::sentence::Command;

/// Commands a script line may run.
const VERBS: &[&str] = &["add", "set", "remove", "enable", "disable", "print"];

/// One command of a script, with the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptCommand {
    pub line: usize,
    pub command: Command,
}

/// Why a script was refused: its line (1-based) and what was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// Parses a whole script; nothing is returned unless every line is understood.
pub fn parse(text: &str) -> Result<Vec<ScriptCommand>, ScriptError> {
    let mut menu: Option<String> = None;
    let mut out = Vec::new();
    for (line, logical) in logical_lines(text) {
        let fail = |message: String| ScriptError { line, message };
        let trimmed = logical.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let tokens = tokenize(trimmed).map_err(fail)?;
        let (first, rest) = tokens
            .split_first()
            .ok_or_else(|| fail("empty line".into()))?;
        if let Some(path) = first.strip_prefix('/') {
            // `/ip firewall nat [add ...]`: menu words up to a verb.
            let mut words: Vec<&str> = path.split('/').filter(|w| !w.is_empty()).collect();
            let mut rest = rest;
            while let Some((w, more)) = rest.split_first() {
                if VERBS.contains(&w.as_str()) {
                    break;
                }
                words.push(w);
                rest = more;
            }
            for w in &words {
                check_menu_word(w).map_err(fail)?;
            }
            let here = format!("/{}", words.join("/"));
            match rest.split_first() {
                None => menu = Some(here),
                Some((verb, args)) => {
                    let command = build(&here, verb, args).map_err(fail)?;
                    out.push(ScriptCommand { line, command });
                }
            }
        } else {
            let current = menu.as_deref().ok_or_else(|| {
                fail(format!(
                    "`{first}` before any menu line such as `/ip firewall nat`"
                ))
            })?;
            let command = build(current, first, rest).map_err(fail)?;
            out.push(ScriptCommand { line, command });
        }
    }
    Ok(out)
}

fn check_menu_word(w: &str) -> Result<(), String> {
    if w == ".." {
        return Err("relative menus (`..`) are not supported".into());
    }
    if w.contains('=') {
        return Err(format!("`{w}` where a command was expected"));
    }
    if w.starts_with('*') || w.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "positional argument `{w}`: item numbers depend on print order, use key=value"
        ));
    }
    if !w
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!("`{w}` is not a menu name"));
    }
    Ok(())
}

/// `verb` in `menu` with `key=value` arguments.
fn build(menu: &str, verb: &str, args: &[String]) -> Result<Command, String> {
    if !VERBS.contains(&verb) {
        return Err(format!(
            "`{verb}` is not a command this parser understands (known: {})",
            VERBS.join(", ")
        ));
    }
    let mut cmd = Command::new(format!("{menu}/{verb}"));
    for arg in args {
        let Some((k, v)) = arg.split_once('=') else {
            return Err(format!(
                "positional argument `{arg}`: only key=value arguments are supported"
            ));
        };
        let key_ok = !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !key_ok {
            return Err(format!("`{k}` is not a property name"));
        }
        cmd = cmd.attr(k, v);
    }
    Ok(cmd)
}

/// Joins `\`-continued lines; yields each logical line with its first line number.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (start, mut acc) = match pending.take() {
            Some((start, acc)) => (start, acc + raw.trim_start()),
            None => (i + 1, raw.to_owned()),
        };
        if ends_with_continuation(&acc) {
            acc.pop();
            pending = Some((start, acc));
        } else {
            out.push((start, acc));
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

/// An odd number of trailing backslashes: the last one joins the next line.
fn ends_with_continuation(s: &str) -> bool {
    s.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

/// Splits a line into words; quotes group, escapes are decoded.
fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut in_token = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_token {
                    tokens.push(std::mem::take(&mut cur));
                    in_token = false;
                }
            }
            '"' => {
                in_token = true;
                quoted(&mut chars, &mut cur)?;
            }
            ':' if !in_token => {
                return Err(format!(
                    "scripting (`:{}`) is not supported",
                    chars
                        .by_ref()
                        .take_while(|c| !c.is_whitespace())
                        .collect::<String>()
                ));
            }
            '[' | ']' => {
                return Err("`[...]` expressions (such as `[find ...]`) are not supported".into());
            }
            '$' => return Err("`$` variables are not supported".into()),
            '{' | '}' => return Err("`{ }` blocks are not supported".into()),
            ';' => return Err("`;` (several commands on one line) is not supported".into()),
            '\\' => return Err("`\\` outside quotes is only allowed at the end of a line".into()),
            '#' if !in_token => {
                return Err("`#` starts a comment only at the beginning of a line".into());
            }
            c => {
                in_token = true;
                cur.push(c);
            }
        }
    }
    if in_token {
        tokens.push(cur);
    }
    Ok(tokens)
}

/// The rest of a `"..."` string after its opening quote.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
) -> Result<(), String> {
    while let Some(c) = chars.next() {
        match c {
            '"' => return Ok(()),
            '$' => return Err("`$` in a string substitutes a variable; write `\\$`".into()),
            '\\' => {
                let e = chars
                    .next()
                    .ok_or("unfinished escape at the end of a line")?;
                match e {
                    '"' | '\\' | '$' | '?' => out.push(e),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '_' => out.push(' '),
                    h if h.is_ascii_hexdigit() => {
                        let l = chars
                            .next()
                            .filter(char::is_ascii_hexdigit)
                            .ok_or("`\\` must be followed by two hex digits")?;
                        let byte = u8::from_str_radix(&format!("{h}{l}"), 16)
                            .map_err(|e| e.to_string())?;
                        if !byte.is_ascii() {
                            return Err("non-ASCII `\\XX` escapes are not supported".into());
                        }
                        out.push(char::from(byte));
                    }
                    other => return Err(format!("unknown escape `\\{other}`")),
                }
            }
            c => out.push(c),
        }
    }
    Err("unterminated string".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(cmd: &Command) -> Vec<String> {
        cmd.to_words(None)
    }

    #[test]
    fn menu_lines_continuations_quotes_and_comments() {
        let script = r#"
# MikroNet isolation setup
/ip firewall nat
add chain=dstnat protocol=tcp dst-port=80 src-address-list=mikronet-isolated \
    action=dst-nat to-addresses=10.0.0.5 to-ports=8080 \
    comment="MikroNet: notice \"page\""

/ip firewall address-list add list=garden address=api.midtrans.com
add chain=srcnat action=masquerade comment="a\_b\41\\c # not a comment"
/ppp profile add name=isolir address-list=mikronet-isolated
"#;
        let cmds = parse(script).unwrap();
        let got: Vec<(usize, Vec<String>)> =
            cmds.iter().map(|c| (c.line, words(&c.command))).collect();
        assert_eq!(
            got,
            vec![
                (
                    4,
                    [
                        "/ip/firewall/nat/add",
                        "=chain=dstnat",
                        "=protocol=tcp",
                        "=dst-port=80",
                        "=src-address-list=mikronet-isolated",
                        "=action=dst-nat",
                        "=to-addresses=10.0.0.5",
                        "=to-ports=8080",
                        "=comment=MikroNet: notice \"page\"",
                    ]
                    .map(String::from)
                    .to_vec()
                ),
                (
                    8,
                    [
                        "/ip/firewall/address-list/add",
                        "=list=garden",
                        "=address=api.midtrans.com"
                    ]
                    .map(String::from)
                    .to_vec()
                ),
                // A one-line command does not change the current menu.
                (
                    9,
                    [
                        "/ip/firewall/nat/add",
                        "=chain=srcnat",
                        "=action=masquerade",
                        "=comment=a bA\\c # not a comment"
                    ]
                    .map(String::from)
                    .to_vec()
                ),
                (
                    10,
                    [
                        "/ppp/profile/add",
                        "=name=isolir",
                        "=address-list=mikronet-isolated"
                    ]
                    .map(String::from)
                    .to_vec()
                ),
            ]
        );
    }

    #[test]
    fn a_quoted_value_broken_across_lines_is_joined() {
        let cmds = parse("/ip firewall filter add chain=forward comment=\"long com\\\n    ment\"")
            .unwrap();
        assert_eq!(
            words(&cmds[0].command)[2],
            "=comment=long comment".to_owned()
        );
        let cmds = parse("/system identity set name=core-1\r\n").unwrap();
        assert_eq!(
            words(&cmds[0].command),
            ["/system/identity/set", "=name=core-1"]
        );
    }

    #[test]
    fn refuses_what_it_does_not_understand_with_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                ":foreach i in=[/ip firewall nat find] do={}",
                1,
                "scripting",
            ),
            (
                "/ip firewall nat\nset [find comment=x] disabled=yes",
                2,
                "[...]",
            ),
            ("/ip firewall nat\nremove 0", 2, "positional"),
            ("/ip firewall nat set 3 disabled=yes", 1, "positional"),
            ("add chain=x", 1, "before any menu"),
            ("/ip firewall nat\nmove 1 0", 2, "not a command"),
            ("/ip firewall nat\n\n:local x 1", 3, "scripting"),
            ("/ip firewall nat add comment=\"$x\"", 1, "variable"),
            ("/ip firewall nat add comment=$x", 1, "variables"),
            ("/ip firewall nat add comment=\"open", 1, "unterminated"),
            (
                "/ip firewall nat add comment=\"a\\qb\"",
                1,
                "unknown escape",
            ),
            ("/ip firewall nat add chain=a; add chain=b", 1, ";"),
            ("/ip firewall nat { add chain=a }", 1, "blocks"),
            ("/ip firewall nat add Chain!=x", 1, "property name"),
            ("/IP firewall nat", 1, "menu name"),
            ("/ip firewall nat add chain=a # why", 1, "comment"),
            ("/ip firewall ..", 1, "relative"),
        ];
        for (script, line, needle) in cases {
            let e = parse(script).expect_err(script);
            assert_eq!(e.line, *line, "{script}: {e}");
            assert!(e.message.contains(needle), "{script}: {e}");
            assert!(e.to_string().starts_with(&format!("line {line}: ")));
        }
    }
}
