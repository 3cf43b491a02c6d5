//! No log line holds a secret: every line the application writes at `debug` and above
//! during a whole HTTP run of logins, a set-password link (refused once for a weak
//! password), a password change and a logout is searched for the passwords, the link's
//! token and the session keys that run used.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{TestDb, add_user_as, client, get, link_token, log_in_as, post, post_raw};
use reqwest::StatusCode;
use tasi::application::access::NewGrants;
use tasi::domain::access::Role;
use tasi::domain::shared::JurisdictionPath;

const ADMIN_PASSWORD: &str = "the admin's own passphrase";
const FIRST_PASSWORD: &str = "first passphrase of the officer";
const WEAK_PASSWORD: &str = "password1234";
const SECOND_PASSWORD: &str = "second passphrase of the officer";

/// Every line logged, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The session keys (the last 64 hex characters of the signed value) of a response's
/// `tasi` cookies.
fn session_keys(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("tasi="))
        .filter_map(|v| v.split(';').next())
        .map(|v| v.trim_start_matches("tasi="))
        .filter(|v| v.len() >= 64)
        .map(|v| v[v.len() - 64..].to_string())
        .collect()
}

#[actix_web::test]
async fn no_password_token_or_session_key_reaches_the_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        // Everything at debug, but the test's own HTTP client (it logs the cookies it keeps).
        .with_env_filter("debug,cookie_store=off,reqwest=off,hyper=off,hyper_util=off")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let db = TestDb::new();
    let sample = common::peskaas_sample(100);
    common::import_dir(&db, &sample.0, "peskaas").unwrap_or_else(|e| panic!("{e}"));
    let country = JurisdictionPath::parse("Timor-Leste").unwrap_or_else(|e| panic!("{e}"));
    add_user_as(
        &db,
        "admin@tasi.tl",
        ADMIN_PASSWORD,
        &NewGrants::On(Role::Admin, country),
    );
    let base = common::spawn_state(db.state(false));
    let mut secrets = vec![
        ADMIN_PASSWORD.to_string(),
        FIRST_PASSWORD.to_string(),
        WEAK_PASSWORD.to_string(),
        SECOND_PASSWORD.to_string(),
    ];

    let admin = client();
    let r = log_in_as(&admin, &base, "admin@tasi.tl", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    secrets.extend(session_keys(&r));
    let users = format!("{base}/admin/users");
    let (status, page, _) = post(
        &admin,
        &users,
        &users,
        &[
            ("email", "officer@tasi.tl"),
            ("role", "officer"),
            ("jurisdiction", "Timor-Leste"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = link_token(&page);
    secrets.push(token.clone());
    secrets.push(token[16..].to_string());

    let visitor = client();
    let link = format!("{base}/set-password/{token}");
    for password in [WEAK_PASSWORD, FIRST_PASSWORD] {
        let (_, page) = get(&visitor, &link).await;
        let csrf = common::csrf_of(&page);
        let (status, _, _) = post_raw(
            &visitor,
            &link,
            &[
                ("csrf_token", csrf.as_str()),
                ("password", password),
                ("confirm", password),
            ],
        )
        .await;
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::SEE_OTHER);
    }
    // A wrong password is logged as a failure, without the password.
    let r = log_in_as(&client(), &base, "officer@tasi.tl", SECOND_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let officer = client();
    let r = log_in_as(&officer, &base, "officer@tasi.tl", FIRST_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    secrets.extend(session_keys(&r));
    let account = format!("{base}/account");
    let (status, _, _) = post(
        &officer,
        &account,
        &format!("{base}/account/password"),
        &[
            ("current", FIRST_PASSWORD),
            ("password", SECOND_PASSWORD),
            ("confirm", SECOND_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post(&admin, &users, &format!("{base}/logout"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let text = logs
        .0
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    assert!(
        text.contains("login failed") && text.contains("request served"),
        "the run was logged: {} bytes",
        text.len()
    );
    assert!(secrets.len() >= 8, "{secrets:?}");
    for s in &secrets {
        let line = text.lines().find(|l| l.contains(s.as_str()));
        assert!(line.is_none(), "a secret in the logs: {line:?}");
    }
}
