use super::super::template::render_template;
use super::*;

#[test]
fn templates_are_checked() {
    let cases: &[(&str, Result<(), &str>)] = &[
        (DEFAULT_SUMMARY_TEMPLATE, Ok(())),
        ("no placeholders", Ok(())),
        ("{company} {plan}", Ok(())),
        ("é {bogus}", Err("unknown placeholder {bogus} at column 3; the placeholders are {eventType} {computer} {plan} {backupType} {company}")),
        ("{plan", Err("unclosed \"{\" at column 1")),
        ("ab {plan{computer}}", Err("unclosed \"{\" at column 4")),
        ("{plan} }", Err("unmatched \"}\" at column 8")),
        ("{}", Err("unknown placeholder {} at column 1; the placeholders are {eventType} {computer} {plan} {backupType} {company}")),
    ];
    for (template, want) in cases {
        let got = validate_template(template);
        assert_eq!(got, want.map_err(str::to_owned), "template {template:?}");
    }
}

#[test]
fn templates_render() {
    let fill = |name: &str| match name {
        "eventType" => Some("Error".to_owned()),
        "computer" => Some("PC1".to_owned()),
        "plan" => Some("Nightly".to_owned()),
        "backupType" => Some("FileLevel".to_owned()),
        _ => None,
    };
    assert_eq!(
        render_template(DEFAULT_SUMMARY_TEMPLATE, fill),
        "Error: PC1 - Nightly (FileLevel)"
    );
    assert_eq!(render_template("{x} {plan", fill), "{x} {plan");
}

#[test]
fn secret_looking_keys_are_recognised() {
    for key in [
        "cw.private_key",
        "cw.password",
        "dashboard.token",
        "CW.PrivateKey",
        "internal.secret",
    ] {
        assert!(looks_secret(key), "{key}");
    }
    for key in [
        "cw.public_key",
        "cw.site",
        "ticket.board",
        "internal.cw_codebase",
    ] {
        assert!(!looks_secret(key), "{key}");
    }
}

#[test]
fn every_default_normalizes_to_itself() {
    for spec in KEYS {
        if let Some(default) = spec.default {
            let got = normalize(spec, default).map_err(|e| format!("{}: {e}", spec.key));
            let want = non_empty(default);
            assert_eq!(got, Ok(want), "{}", spec.key);
        }
    }
}
