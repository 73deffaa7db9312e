//! An in-process SMTP server (RFC 5321, the commands a mail client sends without TLS or
//! authentication) standing in for the operator's mail server. It keeps each message it accepts
//! and can answer recipients with a chosen reply, to exercise temporary and permanent refusals.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One accepted message: the envelope and the raw data (headers and body, dot-unstuffed).
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The value of header `name` (first occurrence, folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_owned());
            }
        }
        value
    }

    /// The body, decoded from its Content-Transfer-Encoding (7bit, 8bit, quoted-printable or
    /// base64).
    pub fn text(&self) -> String {
        use base64::Engine;
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let cte = self.header("Content-Transfer-Encoding").unwrap_or_default().to_lowercase();
        let bytes = match cte.as_str() {
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(body.split_whitespace().collect::<String>())
                .expect("base64 body"),
            "quoted-printable" => unquote(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes).expect("UTF-8 body")
    }
}

fn unquote(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b.get(i + 1) == Some(&b'\r') => i += 3,
            b'=' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("qp escape"));
                i += 3;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

pub struct SmtpServer {
    pub url: String,
    pub inbox: mpsc::UnboundedReceiver<Received>,
    /// When set, every `RCPT TO` is answered with this reply (e.g. `550 5.1.1 no such user`).
    pub rcpt_reply: Arc<Mutex<Option<String>>>,
}

pub async fn start() -> SmtpServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
    let addr = listener.local_addr().expect("smtp addr");
    let (tx, inbox) = mpsc::unbounded_channel();
    let rcpt_reply = Arc::new(Mutex::new(None::<String>));
    let reply = rcpt_reply.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(session(socket, tx.clone(), reply.clone()));
        }
    });
    SmtpServer { url: format!("smtp://{addr}"), inbox, rcpt_reply }
}

async fn session(
    socket: tokio::net::TcpStream,
    inbox: mpsc::UnboundedSender<Received>,
    rcpt_reply: Arc<Mutex<Option<String>>>,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    if !send(&mut write, "220 mail.test ESMTP ready").await {
        return;
    }
    let mut current =
        Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::new() };
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        let reply = if upper.starts_with("EHLO") {
            "250-mail.test greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING".to_owned()
        } else if upper.starts_with("HELO") {
            "250 mail.test".to_owned()
        } else if upper.starts_with("MAIL FROM:") {
            current.mail_from = address(&cmd[10..]);
            "250 2.1.0 ok".to_owned()
        } else if upper.starts_with("RCPT TO:") {
            match rcpt_reply.lock().expect("rcpt reply").clone() {
                Some(r) => r,
                None => {
                    current.rcpt_to.push(address(&cmd[8..]));
                    "250 2.1.5 ok".to_owned()
                }
            }
        } else if upper == "DATA" {
            if current.rcpt_to.is_empty() {
                "503 5.5.1 no valid recipients".to_owned()
            } else {
                if !send(&mut write, "354 end with <CRLF>.<CRLF>").await {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Dot-stuffing: a leading dot was doubled by the client.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                current.data = data;
                let _ = inbox.send(std::mem::replace(
                    &mut current,
                    Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::new() },
                ));
                "250 2.0.0 queued".to_owned()
            }
        } else if upper == "RSET" {
            current.rcpt_to.clear();
            "250 2.0.0 ok".to_owned()
        } else if upper == "NOOP" {
            "250 2.0.0 ok".to_owned()
        } else if upper == "QUIT" {
            let _ = send(&mut write, "221 2.0.0 bye").await;
            return;
        } else {
            "502 5.5.2 command not recognised".to_owned()
        };
        if !send(&mut write, &reply).await {
            return;
        }
    }
}

async fn send(w: &mut tokio::net::tcp::OwnedWriteHalf, reply: &str) -> bool {
    w.write_all(format!("{reply}\r\n").as_bytes()).await.is_ok()
}

/// `<a@b> BODY=8BITMIME` → `a@b`.
fn address(rest: &str) -> String {
    let rest = rest.trim();
    let end = rest.find('>').map_or(rest.len(), |i| i + 1);
    rest[..end].trim_matches(['<', '>']).to_owned()
}
