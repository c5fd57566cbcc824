#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Contract tests: `bridge_core::cw::CwClient` against the ConnectWise
//! simulator — every endpoint, both auth modes (token expiry and re-mint),
//! every error class, pagination, long filters. Faults are in `cw_contract_faults.rs`.

mod cw_common;

use bridge_core::cw::{CwAuth, CwError, NewNote, PatchOp};
use bridge_sim::cw::{self, CwSeed, CwSim};
use cw_common::{api_member, client, integrator, new_ticket};
use serde_json::json;

#[tokio::test]
async fn setup_endpoints_read_the_seed_in_both_auth_modes() {
    let sim = CwSim::start(CwSeed::demo()).await.unwrap();
    for cfg in [api_member(&sim), integrator(&sim)] {
        let cw = client(cfg);
        let info = cw.system_info().await.unwrap();
        assert_eq!(
            (info.version.as_str(), info.is_cloud),
            ("v2025.1.10451", true)
        );
        assert_eq!(cw.codebase().as_deref(), Some("v2025_1/"));

        let acme = cw
            .company_by_identifier("AcmeDental")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (acme.id, acme.name.as_str()),
            (cw::DEMO_ACME_ID, "Acme Dental Ltd")
        );
        assert_eq!(
            cw.company_by_identifier("OldTraders").await.unwrap(),
            None,
            "deleted"
        );
        assert_eq!(cw.company_by_identifier("NoSuchCo").await.unwrap(), None);
        let found = cw.search_companies("dent").await.unwrap();
        assert_eq!(
            found
                .iter()
                .map(|c| c.identifier.as_str())
                .collect::<Vec<_>>(),
            ["AcmeDental"]
        );
        assert_eq!(cw.search_companies("").await.unwrap().len(), 5);

        let ids =
            |list: Vec<bridge_core::cw::Agreement>| list.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(
            ids(cw.agreements(cw::DEMO_ACME_ID, "").await.unwrap()),
            [401, 402, 403]
        );
        let icb = cw
            .agreements(
                cw::DEMO_ACME_ID,
                "name like \"%ICB\" and cancelledFlag=false",
            )
            .await
            .unwrap();
        assert_eq!(ids(icb.clone()), [401]);
        assert_eq!(icb[0].type_.as_ref().unwrap().name, "Business Continuity");
        assert_eq!(
            ids(cw
                .agreements(cw::DEMO_ACME_ID, "type/name='MSP'")
                .await
                .unwrap()),
            [402]
        );

        let boards = cw.boards().await.unwrap();
        let names: Vec<(&str, bool)> = boards
            .iter()
            .map(|b| (b.name.as_str(), b.inactive_flag))
            .collect();
        assert_eq!(
            names,
            [
                ("Archive", true),
                ("Projects Intake", false),
                ("Service Desk", false)
            ]
        );
        let statuses = cw.board_statuses(cw::DEMO_SERVICE_BOARD_ID).await.unwrap();
        assert_eq!(statuses.len(), 6);
        assert_eq!(
            statuses.iter().find(|s| s.default_flag).unwrap().name,
            "New"
        );
        let closed: Vec<&str> = statuses
            .iter()
            .filter(|s| s.closed_status && !s.inactive)
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(closed, [">Closed", "Closed (resolved)"]);
        let priorities = cw.priorities().await.unwrap();
        assert_eq!(priorities.len(), 4);
        assert_eq!(
            priorities.iter().find(|p| p.default_flag).unwrap().id,
            cw::DEMO_PRIORITY_NORMAL
        );
        let names = |refs: Vec<bridge_core::cw::NamedRef>| {
            refs.into_iter().map(|r| r.name).collect::<Vec<_>>()
        };
        let board = cw::DEMO_SERVICE_BOARD_ID;
        assert_eq!(
            names(cw.board_types(board).await.unwrap()),
            ["Backup", "Incident"]
        );
        assert_eq!(
            names(cw.board_subtypes(board).await.unwrap()),
            ["Anomaly", "Failure", "Warning"]
        );
        assert_eq!(
            names(cw.board_items(board).await.unwrap()),
            ["Cloud", "Server", "Workstation"]
        );
        assert!(cw.check_permissions().await.unwrap().is_complete());
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn ticket_lifecycle_through_every_ticket_endpoint() {
    let sim = CwSim::start(CwSeed::demo()).await.unwrap();
    let cw = client(api_member(&sim));
    let xref = "bb:evt 50% & +'x\"y";
    let long = format!("Error: SRV01\n{} failed", "Nightly files ".repeat(10));
    let created = cw.create_ticket(&new_ticket(&long, xref)).await.unwrap();
    assert!(
        created.summary.chars().count() <= 100 && !created.summary.contains('\n'),
        "{}",
        created.summary
    );
    assert_eq!(created.status.as_ref().unwrap().name, "New");
    assert_eq!(created.company.as_ref().unwrap().identifier, "AcmeDental");
    let stored = sim.ticket(created.id).unwrap();
    assert_eq!(stored["externalXRef"], "bb:evt 50% & +'xy");

    assert_eq!(cw.get_ticket(created.id).await.unwrap(), created);
    let by_xref = cw.find_tickets_by_xref(xref).await.unwrap();
    assert_eq!(
        by_xref.iter().map(|t| t.id).collect::<Vec<_>>(),
        [created.id]
    );
    assert_eq!(cw.count_tickets("closedFlag=false").await.unwrap(), 1);

    let closed = cw
        .patch_ticket(
            created.id,
            &[PatchOp::replace(
                "status",
                json!({"id": cw::DEMO_STATUS_CLOSED}),
            )],
        )
        .await
        .unwrap();
    assert!(closed.closed_flag && closed.closed_date.is_some());
    assert_eq!(cw.count_tickets("closedFlag=false").await.unwrap(), 0);

    let note = cw
        .add_note(created.id, &NewNote::resolution("Backup completed"))
        .await
        .unwrap();
    assert!(note.resolution_flag && note.ticket_id == created.id);
    cw.add_note(
        created.id,
        &NewNote::discussion("Warning -> Failed: disk full"),
    )
    .await
    .unwrap();
    let notes = cw.notes(created.id).await.unwrap();
    assert_eq!(notes.len(), 3, "initial description + two notes");
    assert!(notes[0].detail_description_flag);
    assert_eq!(notes[2].text, "Warning -> Failed: disk full");

    let listed = cw.tickets_by_ids(&[created.id, 999_999]).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        [created.id]
    );
    cw.delete_ticket(created.id).await.unwrap();
    assert!(sim.tickets().is_empty());
    assert!(matches!(
        cw.get_ticket(created.id).await,
        Err(CwError::NotFound { .. })
    ));
    assert!(matches!(
        cw.delete_ticket(created.id).await,
        Err(CwError::NotFound { .. })
    ));
    assert!(matches!(
        cw.notes(created.id).await,
        Err(CwError::NotFound { .. })
    ));
    sim.shutdown().await;
}

#[tokio::test]
async fn lists_paginate_and_long_filters_stay_under_the_url_limit() {
    let sim = CwSim::start(CwSeed::demo()).await.unwrap();
    let cw = client(api_member(&sim)).with_page_size(3);
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(
            cw.create_ticket(&new_ticket(&format!("pagetest {i}"), &format!("bb:p{i}")))
                .await
                .unwrap()
                .id,
        );
    }
    sim.clear_requests();
    let found = cw
        .search_tickets("summary contains \"pagetest\"")
        .await
        .unwrap();
    assert_eq!(found.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
    let pages: Vec<(Option<String>, Option<String>)> = sim
        .requests()
        .iter()
        .map(|r| (r.query_param("page"), r.query_param("pageSize")))
        .collect();
    let want: Vec<(Option<String>, Option<String>)> = ["1", "2", "3"]
        .iter()
        .map(|p| (Some(p.to_string()), Some("3".into())))
        .collect();
    assert_eq!(pages, want);

    // Many ids: several `id in (…)` requests, each URL within 2000 characters.
    let cw = client(api_member(&sim));
    let mut many: Vec<i64> = (1_000_000..1_000_600).collect();
    many.extend(&ids);
    sim.clear_requests();
    let got = cw.tickets_by_ids(&many).await.unwrap();
    assert_eq!(got.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
    let requests = sim.requests();
    assert!(requests.len() > 1);
    for r in &requests {
        let url = format!(
            "{}{}?{}",
            sim.base_url(),
            r.path,
            r.query.clone().unwrap_or_default()
        );
        assert!(url.len() <= 2000, "{}", url.len());
        assert_eq!(r.status, 200);
    }

    // A filter too long for any URL goes through POST /service/tickets/search.
    let long = format!(
        "summary contains \"pagetest\" or id in ({})",
        (1..400)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    sim.clear_requests();
    assert_eq!(cw.search_tickets(&long).await.unwrap().len(), 7);
    let r = &sim.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.api_path(), r.status),
        ("POST", "/service/tickets/search", 200)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn integrator_tokens_are_lazy_reused_and_reminted() {
    let sim = CwSim::start(CwSeed::demo()).await.unwrap();
    let cw = client(integrator(&sim));
    assert!(
        sim.requests().is_empty(),
        "no request before a method needs one"
    );
    cw.system_info().await.unwrap();
    cw.boards().await.unwrap();
    let log: Vec<(String, u16)> = sim
        .requests()
        .iter()
        .map(|r| (r.api_path().to_string(), r.status))
        .collect();
    let want = [
        (format!("/login/companyinfo/{}", cw::DEMO_COMPANY), 200),
        (format!("/system/members/{}/tokens", cw::DEMO_MEMBER), 201),
        ("/system/info".to_string(), 200),
        ("/service/boards".to_string(), 200),
    ];
    assert_eq!(log, want);

    // Revoked server-side: one 401, one re-mint, then success.
    sim.expire_tokens();
    sim.clear_requests();
    cw.system_info().await.unwrap();
    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 201, 200]);

    // Tokens are re-minted by the expiration they carry, before the server
    // refuses them: no 401 at all. The simulator's clock lags the client's
    // by the tokens' lifetime, so each token it mints is due by the client's
    // clock at once while the server still takes it for that long.
    let life = chrono::Duration::minutes(10);
    sim.set_token_lifetime(life.to_std().unwrap());
    sim.shift_token_clock(-life);
    sim.expire_tokens();
    cw.system_info().await.unwrap();
    sim.clear_requests();
    cw.system_info().await.unwrap();
    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [201, 200]);
    sim.shift_token_clock(life);

    // A member that lacks a right gets Forbidden with the right named.
    let mut intern = integrator(&sim);
    intern.auth = CwAuth::Integrator {
        username: cw::DEMO_INTEGRATOR_USER.into(),
        password: cw::DEMO_INTEGRATOR_PASSWORD.into(),
        member_identifier: "intern".into(),
    };
    let intern = client(intern);
    let t = intern
        .create_ticket(&new_ticket("by intern", "bb:intern"))
        .await
        .unwrap();
    match intern.delete_ticket(t.id).await {
        Err(CwError::Forbidden { permission, .. }) => {
            assert_eq!(permission, "Service Desk › Service Tickets: Delete")
        }
        other => panic!("{other:?}"),
    }
    sim.shutdown().await;
}

/// A change that breaks a working configuration.
type ConfigChange = fn(&mut bridge_core::cw::CwConfig);

#[tokio::test]
async fn auth_and_configuration_errors_say_what_to_fix() {
    let sim = CwSim::start(CwSeed::demo()).await.unwrap();
    let cases: Vec<(ConfigChange, &str)> = vec![
        (
            |c| {
                c.auth = CwAuth::ApiMember {
                    public_key: cw::DEMO_PUBLIC_KEY.into(),
                    private_key: "wrong".into(),
                }
            },
            "public key, private key",
        ),
        (|c| c.client_id = "0000-not-registered".into(), "clientId"),
        (
            |c| {
                c.auth = CwAuth::Integrator {
                    username: cw::DEMO_INTEGRATOR_USER.into(),
                    password: "wrong".into(),
                    member_identifier: cw::DEMO_MEMBER.into(),
                }
            },
            "integrator username, password",
        ),
        (
            |c| {
                c.auth = CwAuth::Integrator {
                    username: cw::DEMO_INTEGRATOR_USER.into(),
                    password: cw::DEMO_INTEGRATOR_PASSWORD.into(),
                    member_identifier: "ghost".into(),
                }
            },
            "no member \"ghost\"",
        ),
    ];
    for (change, needle) in cases {
        let mut cfg = api_member(&sim);
        change(&mut cfg);
        sim.clear_requests();
        let err = client(cfg).system_info().await.unwrap_err();
        assert!(matches!(err, CwError::Auth { .. }), "{err:?}");
        assert!(err.to_string().contains(needle), "{err}");
        assert!(!err.is_retryable());
        let api_calls = sim
            .requests()
            .iter()
            .filter(|r| r.path.contains("/apis/"))
            .count();
        assert_eq!(api_calls, 1, "auth failures are not retried");
    }

    let mut cfg = api_member(&sim);
    cfg.company_id = "someoneelse".into();
    let err = client(cfg).boards().await.unwrap_err();
    assert!(
        matches!(&err, CwError::UnknownCompany(m) if m.contains("Company field")),
        "{err:?}"
    );

    let mut cfg = api_member(&sim);
    cfg.site = format!("{}/", sim.base_url());
    client(cfg).system_info().await.unwrap();
    let mut cfg = api_member(&sim);
    cfg.site = "http://cw.example.com".into();
    assert!(matches!(
        bridge_core::cw::CwClient::new(cfg),
        Err(CwError::Config(_))
    ));
    sim.shutdown().await;
}

#[tokio::test]
async fn rights_validation_and_missing_records_map_to_their_errors() {
    let sim = CwSim::start(CwSeed::demo()).await.unwrap();
    let mut cfg = api_member(&sim);
    cfg.auth = CwAuth::ApiMember {
        public_key: cw::DEMO_RESTRICTED_PUBLIC_KEY.into(),
        private_key: cw::DEMO_RESTRICTED_PRIVATE_KEY.into(),
    };
    let limited = client(cfg);
    match limited.create_ticket(&new_ticket("x", "bb:x")).await {
        Err(CwError::Forbidden {
            permission,
            message,
        }) => {
            assert_eq!(permission, "Service Desk › Service Tickets: Add");
            assert!(message.contains("System › Security Roles"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        limited.agreements(cw::DEMO_ACME_ID, "").await,
        Err(CwError::Forbidden { .. })
    ));
    let report = limited.check_permissions().await.unwrap();
    let missing: Vec<&str> = report.missing.iter().map(|m| m.right.as_str()).collect();
    assert_eq!(missing, ["read agreements", "create tickets"]);
    assert!(report.missing[1]
        .hint
        .ends_with("Service Desk › Service Tickets: Add"));
    assert!(sim.tickets().is_empty(), "probes create nothing");

    let cw = client(api_member(&sim));
    let mut deleted_company = new_ticket("x", "bb:y");
    deleted_company.company = cw::DEMO_DELETED_COMPANY_ID.into();
    let err = cw.create_ticket(&deleted_company).await.unwrap_err();
    assert!(
        matches!(&err, CwError::Validation { field: Some(f), .. } if f == "company"),
        "{err:?}"
    );
    let mut wrong_board_status = new_ticket("x", "bb:z");
    wrong_board_status.status = Some(cw::DEMO_PROJECTS_STATUS_NEW.into());
    assert!(matches!(
        cw.create_ticket(&wrong_board_status).await,
        Err(CwError::Validation { .. })
    ));
    let t = cw.create_ticket(&new_ticket("ok", "bb:ok")).await.unwrap();
    let bad_patch = cw
        .patch_ticket(t.id, &[PatchOp::replace("status", json!({"id": 999}))])
        .await;
    assert!(
        matches!(bad_patch, Err(CwError::Validation { .. })),
        "{bad_patch:?}"
    );
    let bad_condition = cw
        .agreements(cw::DEMO_ACME_ID, "nosuchfield = 1")
        .await
        .unwrap_err();
    assert!(
        matches!(&bad_condition, CwError::Validation { message, .. } if message.contains("nosuchfield")),
        "{bad_condition:?}"
    );
    assert!(matches!(
        cw.get_ticket(424_242).await,
        Err(CwError::NotFound { .. })
    ));
    assert!(matches!(
        cw.patch_ticket(424_242, &[PatchOp::replace("summary", json!("x"))])
            .await,
        Err(CwError::NotFound { .. })
    ));
    assert!(matches!(
        cw.add_note(424_242, &NewNote::discussion("x")).await,
        Err(CwError::NotFound { .. })
    ));
    sim.shutdown().await;
}
