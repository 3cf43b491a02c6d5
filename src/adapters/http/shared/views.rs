//! The layout every page shares, the error page, and the formatting helpers every view
//! uses. Each context's pages have their view structs in its own HTTP module.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;

use super::routes::NavEntry;

/// What the layout needs on every page.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// The logged-in user's e-mail, `None` on the login page.
    pub user: Option<String>,
    /// The session's CSRF token for the logout form and every other form.
    pub csrf: String,
    /// Shows the "synthetic data" banner.
    pub synthetic: bool,
    /// The navigation entry to highlight (its key).
    pub active: &'static str,
    /// The navigation entries the contexts registered, in order.
    pub nav: Arc<Vec<NavEntry>>,
}

/// An option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// Text shown.
    pub label: String,
    /// Selected now.
    pub selected: bool,
}

/// Formats a whole number with thousands separators: `27681` → `27,681`.
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Formats a number with `decimals` places and thousands separators.
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole = int(whole.parse::<i64>().unwrap_or(0));
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// Formats an optional value, `–` when absent.
pub fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

/// A styled error page.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Layout.
    pub chrome: Chrome,
    /// HTTP status code.
    pub status: u16,
    /// Heading.
    pub title: String,
    /// What the user can do.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(int(27681), "27,681");
        assert_eq!(int(-1234567), "-1,234,567");
        assert_eq!(int(12), "12");
        assert_eq!(num(292809.0603, 1), "292,809.1");
        assert_eq!(num(-0.5, 2), "-0.50");
        assert_eq!(num(f64::NAN, 2), "–");
    }

    #[test]
    fn user_text_is_escaped_by_templates() {
        let page = ErrorPage {
            chrome: Chrome::default(),
            status: 404,
            title: "<b>x</b>".into(),
            message: "a & b".into(),
        };
        let html = page.render().unwrap_or_default();
        assert!(
            html.contains("&#60;b&#62;x&#60;/b&#62;") || html.contains("&lt;b&gt;x&lt;/b&gt;"),
            "{html}"
        );
        assert!(!html.contains("<b>x</b>"));
    }
}
