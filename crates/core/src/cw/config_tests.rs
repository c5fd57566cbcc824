//! Tests of the ConnectWise settings: site parsing, hosts, codebase and redaction.

use super::*;

#[test]
fn the_api_host_is_where_the_secret_goes() {
    for (site, host) in [
        ("na.myconnectwise.net", "api-na.myconnectwise.net"),
        (
            "https://API-EU.myconnectwise.net/x",
            "api-eu.myconnectwise.net",
        ),
        ("cw.example.com:8443", "cw.example.com"),
        ("http://127.0.0.1:4123", "127.0.0.1"),
    ] {
        assert_eq!(api_host(site).unwrap(), host, "{site}");
    }
    assert!(api_host("http://cw.example.com").is_err());
}

#[test]
fn site_parsing_maps_hosts() {
    // (input, companyinfo url, api base for codebase "v2025_1/")
    let cases = [
        (
            "na.myconnectwise.net",
            "https://na.myconnectwise.net/login/companyinfo/acme",
            "https://api-na.myconnectwise.net/v2025_1/apis/3.0/",
        ),
        (
            "https://EU.myconnectwise.net/v4_6_release/services/",
            "https://eu.myconnectwise.net/login/companyinfo/acme",
            "https://api-eu.myconnectwise.net/v2025_1/apis/3.0/",
        ),
        (
            "api-aus.myconnectwise.net",
            "https://aus.myconnectwise.net/login/companyinfo/acme",
            "https://api-aus.myconnectwise.net/v2025_1/apis/3.0/",
        ),
        (
            "staging.connectwisedev.com/",
            "https://staging.connectwisedev.com/login/companyinfo/acme",
            "https://api-staging.connectwisedev.com/v2025_1/apis/3.0/",
        ),
        // Any ConnectWise-hosted region, not only the ones known today.
        (
            "xy.myconnectwise.net",
            "https://xy.myconnectwise.net/login/companyinfo/acme",
            "https://api-xy.myconnectwise.net/v2025_1/apis/3.0/",
        ),
        (
            "api-xy.myconnectwise.net:443",
            "https://xy.myconnectwise.net/login/companyinfo/acme",
            "https://api-xy.myconnectwise.net/v2025_1/apis/3.0/",
        ),
        (
            "https://sandbox.connectwisedev.com",
            "https://sandbox.connectwisedev.com/login/companyinfo/acme",
            "https://api-sandbox.connectwisedev.com/v2025_1/apis/3.0/",
        ),
        // Look-alikes are used as typed.
        (
            "myconnectwise.net.example.com",
            "https://myconnectwise.net.example.com/login/companyinfo/acme",
            "https://myconnectwise.net.example.com/v2025_1/apis/3.0/",
        ),
        (
            "myconnectwise.net",
            "https://myconnectwise.net/login/companyinfo/acme",
            "https://myconnectwise.net/v2025_1/apis/3.0/",
        ),
        (
            " cw.example.com:8443 ",
            "https://cw.example.com:8443/login/companyinfo/acme",
            "https://cw.example.com:8443/v2025_1/apis/3.0/",
        ),
        (
            "http://127.0.0.1:4123",
            "http://127.0.0.1:4123/login/companyinfo/acme",
            "http://127.0.0.1:4123/v2025_1/apis/3.0/",
        ),
        (
            "http://localhost:80/",
            "http://localhost/login/companyinfo/acme",
            "http://localhost/v2025_1/apis/3.0/",
        ),
        (
            "http://[::1]:9000",
            "http://[::1]:9000/login/companyinfo/acme",
            "http://[::1]:9000/v2025_1/apis/3.0/",
        ),
    ];
    for (input, info, base) in cases {
        let site = Site::parse(input).unwrap();
        assert_eq!(
            site.companyinfo_url("acme").unwrap().as_str(),
            info,
            "{input}"
        );
        assert_eq!(site.api_base("v2025_1/").unwrap().as_str(), base, "{input}");
    }
}

#[test]
fn companyinfo_url_encodes_the_company() {
    let site = Site::parse("cw.example.com").unwrap();
    assert_eq!(
        site.companyinfo_url("a b/c").unwrap().as_str(),
        "https://cw.example.com/login/companyinfo/a%20b%2Fc"
    );
}

#[test]
fn site_parsing_rejects_bad_input() {
    let cases = [
        ("", "empty"),
        ("http://cw.example.com", "plain http"),
        ("http://10.0.0.5:8080", "plain http"),
        ("ftp://cw.example.com", "unsupported scheme"),
        ("https://", "not a valid host"),
    ];
    for (input, needle) in cases {
        match Site::parse(input) {
            Err(CwError::Config(msg)) => assert!(msg.contains(needle), "{input}: {msg}"),
            other => panic!("{input}: expected Config error, got {other:?}"),
        }
    }
}

#[test]
fn codebase_is_normalised() {
    let cases = [
        ("v4_6_release/", "v4_6_release/"),
        ("v2025_1", "v2025_1/"),
        ("/v2025_1//", "v2025_1/"),
        ("", ""),
        ("/", ""),
    ];
    for (input, want) in cases {
        assert_eq!(normalise_codebase(input), want, "{input:?}");
    }
    let site = Site::parse("cw.example.com").unwrap();
    assert_eq!(
        site.api_base("").unwrap().as_str(),
        "https://cw.example.com/apis/3.0/"
    );
}

#[test]
fn debug_redacts_secrets() {
    let cfg = CwConfig::new(
        "na.myconnectwise.net",
        "acme",
        "client-guid-secretish",
        CwAuth::Integrator {
            username: "integ".into(),
            password: SecretString::from("hunter2-password"),
            member_identifier: "jdoe".into(),
        },
    );
    let text = format!("{cfg:?}");
    assert!(!text.contains("hunter2-password"), "{text}");
    assert!(!text.contains("client-guid-secretish"), "{text}");
    assert!(text.contains("jdoe"));
    let api = CwAuth::ApiMember {
        public_key: "pub".into(),
        private_key: SecretString::from("private-xyz"),
    };
    assert!(!format!("{api:?}").contains("private-xyz"));
}
