use super::*;

fn object() -> AlarmObject {
    AlarmObject {
        instance_uid: "o".into(),
        object_type: "ObjectEntity".into(),
        organization_uid: "org".into(),
        location_uid: "loc".into(),
        management_agent_uid: "agent".into(),
        computer_name: "PC".into(),
        object_uid: "obj".into(),
        object_name: Some("Job".into()),
    }
}

fn uids(alarms: &Alarms) -> Vec<String> {
    alarms
        .listing()
        .iter()
        .map(|a| a["instanceUid"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn activations_move_to_the_front_and_status_changes_do_not() {
    let mut alarms = Alarms::default();
    let future = Utc::now() + Duration::days(365);
    let a = NewAlarm::new("a", "t", object(), AlarmStatus::Error, "A\nsecond");
    alarms.raise(a.at(future)).unwrap();
    alarms
        .raise(NewAlarm::new("b", "t", object(), AlarmStatus::Warning, "B"))
        .unwrap();
    // "b" got a time after the far-future "a".
    assert_eq!(uids(&alarms), ["b", "a"]);
    alarms.activate("a", AlarmStatus::Error, "again").unwrap();
    assert_eq!(uids(&alarms), ["a", "b"]);
    alarms.set_status("b", AlarmStatus::Acknowledged).unwrap();
    assert_eq!(uids(&alarms), ["a", "b"]);
    let a = alarms.get("a").unwrap();
    assert_eq!(a["repeatCount"], 2);
    assert_eq!(a["lastActivation"]["message"], "again");
    assert!(alarms
        .raise(NewAlarm::new("a", "t", object(), AlarmStatus::Info, "x"))
        .is_err());
    assert!(matches!(alarms.delete("zz"), Err(SimError::NoSuchAlarm(_))));
}

#[test]
fn messages_use_crlf_and_raw_items_sort_last_without_a_time() {
    let mut alarms = Alarms::default();
    alarms.push_raw(json!({"instanceUid": "raw"}));
    alarms
        .raise(NewAlarm::new(
            "a",
            "t",
            object(),
            AlarmStatus::Error,
            "one\ntwo\r\n",
        ))
        .unwrap();
    assert_eq!(uids(&alarms), ["a", "raw"]);
    let a = alarms.get("a").unwrap();
    assert_eq!(a["lastActivation"]["message"], "one\r\ntwo\r\n");
    assert!(alarms.activate("raw", AlarmStatus::Error, "x").is_err());
}

#[test]
fn random_uids_look_like_uuids() {
    let uid = random_uid();
    let parts: Vec<usize> = uid.split('-').map(str::len).collect();
    assert_eq!(parts, [8, 4, 4, 4, 12]);
    assert_ne!(uid, random_uid());
}
