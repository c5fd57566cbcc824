#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The VSPC simulator's alarms over HTTP: newest activation first, pages
//! that shift while a client reads, a timeline that moves once per complete
//! read, one-shot faults and the request log, and the demo.

mod vspc_common;

use bridge_core::source::SourceKind;
use bridge_core::store::{settings, Store};
use bridge_sim::demo::{Demo, PlatformSim};
use bridge_sim::vspc::demo::{
    AGENT_JOB_ALARM, MALWARE_ALARM, MALWARE_TEMPLATE, MALWARE_TEMPLATE_NAME, SUREBACKUP_ALARM,
    TAILSPIN_ALARM, VM_JOB_ALARM,
};
use bridge_sim::vspc::{
    AlarmStatus, Change, NewAlarm, DEMO_VSPC_API_KEY, DEMO_VSPC_PASSWORD, DEMO_VSPC_USER,
    SHIFTED_ALARM_MESSAGE,
};
use serde_json::Value;
use vspc_common::*;

#[tokio::test]
async fn alarms_list_newest_activation_first_with_their_fields() {
    let sim = sim().await;
    sim.set_alarms(alarms(3)).unwrap();
    let (_, body) = get(&sim, KEY, "/alarms/active").await;
    assert_eq!(uids(&body), ["a2", "a1", "a0"]);
    let a2 = &body["data"][0];
    assert_eq!(
        a2["lastActivation"]["time"],
        "2026-11-20T01:02:00.000+00:00"
    );
    assert_eq!(a2["repeatCount"], 1);
    assert_eq!(a2["object"]["organizationUid"], "org");
    for field in [
        "instanceUid",
        "type",
        "locationUid",
        "managementAgentUid",
        "computerName",
        "objectUid",
        "objectName",
    ] {
        assert!(a2["object"][field].is_string(), "{field}: {a2}");
    }
    let before = sim.alarm("a0").unwrap();
    sim.activate("a0", AlarmStatus::Warning, "line one\nline two")
        .unwrap();
    sim.set_status("a1", AlarmStatus::Acknowledged).unwrap();
    let (_, body) = get(&sim, KEY, "/alarms/active").await;
    assert_eq!(uids(&body), ["a0", "a2", "a1"]);
    let a0 = &body["data"][0];
    assert_eq!(a0["repeatCount"], 2);
    assert_ne!(
        a0["lastActivation"]["instanceUid"],
        before["lastActivation"]["instanceUid"]
    );
    assert_eq!(a0["lastActivation"]["status"], "Warning");
    assert_eq!(a0["lastActivation"]["message"], "line one\r\nline two");
    let a1 = &body["data"][2];
    assert_eq!(a1["lastActivation"]["status"], "Acknowledged");
    assert_eq!(a1["repeatCount"], 1);
    sim.delete("a2").unwrap();
    assert!(sim.delete("a2").is_err());
    assert_eq!(sim.alarms().len(), 2);
}

#[tokio::test]
async fn a_page_shift_repeats_an_item_on_the_next_page() {
    let sim = sim().await;
    sim.set_alarms(alarms(5)).unwrap();
    sim.shift_pages(1);
    let (_, p0) = get(&sim, KEY, "/alarms/active?limit=2").await;
    let (_, p1) = get(&sim, KEY, "/alarms/active?limit=2&offset=2").await;
    let (_, p2) = get(&sim, KEY, "/alarms/active?limit=2&offset=4").await;
    assert_eq!(uids(&p0), ["a4", "a3"]);
    assert_eq!(
        uids(&p1),
        ["a3", "a2"],
        "the new alarm pushed a3 onto page 2"
    );
    assert_eq!(uids(&p2), ["a1", "a0"]);
    assert_eq!(p0["meta"]["pagingInfo"]["total"], 5);
    assert_eq!(p1["meta"]["pagingInfo"]["total"], 6);
    assert_eq!(sim.shifted(), 1);
    // The next read starts with the alarm slipped in, and nothing shifts.
    let (_, p0) = get(&sim, KEY, "/alarms/active?limit=2").await;
    let (_, p1) = get(&sim, KEY, "/alarms/active?limit=2&offset=2").await;
    assert_eq!(
        p0["data"][0]["lastActivation"]["message"],
        SHIFTED_ALARM_MESSAGE
    );
    assert_eq!(p0["data"][0]["lastActivation"]["status"], "Info");
    assert_eq!(p0["data"][0]["object"]["organizationUid"], "org");
    assert_eq!(uids(&p1), ["a3", "a2"]);
    assert_eq!(sim.shifted(), 1);

    // Chosen alarms, and a read that fits one page never shifts.
    let mine = NewAlarm::new("mine", "t", object("org"), AlarmStatus::Error, "new");
    sim.shift_pages_with(vec![mine]);
    get(&sim, KEY, "/alarms/active?limit=500").await;
    assert_eq!(sim.shifted(), 1);
    get(&sim, KEY, "/alarms/active?limit=3").await;
    assert_eq!(sim.shifted(), 2);
    assert_eq!(uids(&get(&sim, KEY, "/alarms/active").await.1)[0], "mine");
}

#[tokio::test]
async fn the_timeline_moves_once_per_complete_read_not_per_page() {
    let sim = sim().await;
    sim.set_alarms(alarms(3)).unwrap();
    sim.set_timeline(vec![
        vec![Change::Activate {
            uid: "a0".into(),
            status: AlarmStatus::Resolved,
            message: "fixed".into(),
        }],
        vec![Change::Delete { uid: "a0".into() }],
    ]);
    get(&sim, KEY, "/alarms/active?limit=1").await;
    get(&sim, KEY, "/alarms/active?limit=1&offset=1").await;
    assert_eq!(sim.timeline_index(), 0);
    let (_, last) = get(&sim, KEY, "/alarms/active?limit=1&offset=2").await;
    assert_eq!(uids(&last), ["a0"]);
    assert_eq!((sim.timeline_index(), sim.completed_reads()), (1, 1));
    // A page past the end after a complete read is no new read.
    get(&sim, KEY, "/alarms/active?limit=1&offset=3").await;
    assert_eq!(sim.timeline_index(), 1);
    let (_, body) = get(&sim, KEY, "/alarms/active").await;
    assert_eq!(uids(&body), ["a0", "a2", "a1"]);
    assert_eq!(body["data"][0]["lastActivation"]["status"], "Resolved");
    let (_, body) = get(&sim, KEY, "/alarms/active").await;
    assert_eq!(uids(&body), ["a2", "a1"]);
    // The timeline stays on its last state.
    get(&sim, KEY, "/alarms/active").await;
    assert_eq!((sim.timeline_index(), sim.completed_reads()), (2, 4));
}

#[tokio::test]
async fn faults_hit_the_next_authorised_gets_and_the_log_shows_them() {
    let sim = sim().await;
    sim.fail_next_n(503, 2);
    sim.fail_next(429);
    sim.garbage_next();
    // A refused request consumes no fault.
    assert_eq!(get(&sim, "", "/alarms/active").await.0, 401);
    for _ in 0..2 {
        let (status, body) = get(&sim, KEY, "/alarms/active").await;
        assert_eq!(status, 503);
        envelope(&body, 503);
    }
    let r = http()
        .get(format!("{}/api/v3/alarms/active", sim.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    let r = http()
        .get(format!("{}/api/v3/alarms/active", sim.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().starts_with("<html>"));
    assert_eq!(get(&sim, KEY, "/alarms/active?limit=5").await.0, 200);
    let log: Vec<(String, u16)> = sim
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    let path = "/api/v3/alarms/active".to_owned();
    let want: Vec<(String, u16)> = [401, 503, 503, 429, 200, 200]
        .iter()
        .map(|s| (path.clone(), *s))
        .collect();
    assert_eq!(log, want);
    assert_eq!(sim.requests()[5].query_param("limit").as_deref(), Some("5"));
    sim.clear_requests();
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn the_vspc_demo_serves_its_alarms_and_moves_per_read() {
    let demo = Demo::start_source(SourceKind::Vspc).await.unwrap();
    assert_eq!(
        (demo.source_kind(), demo.source_name()),
        (SourceKind::Vspc, "VSPC")
    );
    let Some(PlatformSim::Vspc(sim)) = &demo.platform else {
        panic!("a VSPC demo");
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("backupbridge.db")).unwrap();
    demo.configure(&store).unwrap();
    let setting = |k: &str| settings::get(&store, k).unwrap().unwrap_or_default();
    assert_eq!(setting("source.kind"), "vspc");
    assert_eq!(setting("source.url"), sim.base_url());
    assert_eq!(setting("source.username"), DEMO_VSPC_USER);

    let form = [
        ("grant_type", "password"),
        ("username", DEMO_VSPC_USER),
        ("password", DEMO_VSPC_PASSWORD),
    ];
    let (status, body) = token_request(sim, &form).await;
    assert_eq!(status, 200);
    let access = body["access_token"].as_str().unwrap().to_owned();
    let (_, companies) = get(sim, &access, "/organizations/companies").await;
    let names: Vec<&str> = companies["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Acme Dental Ltd",
            "Northwind Law LLP",
            "Contoso Health Clinic",
            "Tailspin Toys"
        ]
    );
    let (_, templates) = get(sim, DEMO_VSPC_API_KEY, "/alarms/templates").await;
    let malware = templates["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["instanceUid"] == MALWARE_TEMPLATE)
        .unwrap();
    assert_eq!(malware["name"], MALWARE_TEMPLATE_NAME);

    // Read 1: four alarms, the malware one newest.
    let (_, read) = get(sim, &access, "/alarms/active").await;
    assert_eq!(
        uids(&read),
        [
            MALWARE_ALARM,
            SUREBACKUP_ALARM,
            AGENT_JOB_ALARM,
            VM_JOB_ALARM
        ]
    );
    let status_of = |read: &Value, uid: &str| {
        let alarm = read["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["instanceUid"] == uid);
        alarm.unwrap()["lastActivation"].clone()
    };
    let m = status_of(&read, MALWARE_ALARM);
    assert_eq!(read["data"][0]["alarmTemplateUid"], MALWARE_TEMPLATE);
    assert!(m["message"]
        .as_str()
        .unwrap()
        .starts_with("Event 41600: Potential malware"));
    assert!(m["message"].as_str().unwrap().ends_with("\r\n"));
    assert_eq!(status_of(&read, VM_JOB_ALARM)["status"], "Error");
    assert_eq!(status_of(&read, AGENT_JOB_ALARM)["status"], "Warning");
    assert_eq!(status_of(&read, SUREBACKUP_ALARM)["status"], "Info");
    let first_vm = status_of(&read, VM_JOB_ALARM);

    // Read 2: the VM job fires again; the laptop warning is acknowledged.
    let (_, read) = get(sim, &access, "/alarms/active").await;
    assert_eq!(uids(&read)[0], VM_JOB_ALARM);
    let vm = status_of(&read, VM_JOB_ALARM);
    assert_ne!(vm["instanceUid"], first_vm["instanceUid"]);
    assert_ne!(vm["message"], first_vm["message"]);
    assert_eq!(read["data"][0]["repeatCount"], 3);
    assert_eq!(status_of(&read, AGENT_JOB_ALARM)["status"], "Acknowledged");

    // Read 3: the VM job and the malware alarm are resolved.
    let (_, read) = get(sim, &access, "/alarms/active").await;
    assert_eq!(status_of(&read, VM_JOB_ALARM)["status"], "Resolved");
    assert_eq!(status_of(&read, MALWARE_ALARM)["status"], "Resolved");

    // Read 4: the laptop job is resolved; Tailspin fails. Then it stays.
    for _ in 0..2 {
        let (_, read) = get(sim, DEMO_VSPC_API_KEY, "/alarms/active").await;
        assert_eq!(uids(&read).len(), 5);
        assert_eq!(status_of(&read, AGENT_JOB_ALARM)["status"], "Resolved");
        assert_eq!(status_of(&read, TAILSPIN_ALARM)["status"], "Error");
    }
    assert_eq!(sim.timeline_index(), 3);
    demo.shutdown().await;
}
