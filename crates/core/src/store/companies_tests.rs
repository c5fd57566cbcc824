//! Company mapping: refresh keeps mappings, overrides round-trip, effective filters.

use super::*;
use crate::store::settings;

fn company(id: &str, name: &str) -> BackupCompany {
    BackupCompany {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}

fn mapping(identifier: &str) -> Mapping {
    Mapping {
        cw_identifier: identifier.to_owned(),
        cw_company_id: 250,
        cw_company_name: "Acme Dental".to_owned(),
        event_types: Override::Default,
        backup_types: Override::Default,
        agreement_condition: Override::Default,
    }
}

fn seeded() -> Store {
    let store = Store::open_in_memory().unwrap();
    refresh(
        &store,
        &[
            company("c-2", "Northwind Law"),
            company("c-1", "acme dental"),
        ],
    )
    .unwrap();
    store
}

#[test]
fn refresh_keeps_mappings_and_flags_absent_companies() {
    let store = seeded();
    set_mapping(&store, "c-1", &mapping("AcmeDental")).unwrap();
    set_last_status(&store, "c-1", &LastStatus::ok_now("")).unwrap();

    // c-1 renamed, c-2 gone, c-3 new.
    let summary = refresh(
        &store,
        &[company("c-1", "Acme Dental Ltd"), company("c-3", "Contoso")],
    )
    .unwrap();
    assert_eq!(
        summary,
        RefreshSummary {
            added: 1,
            renamed: 1,
            gone: 1,
            returned: 0
        }
    );
    let acme = get(&store, "c-1").unwrap().unwrap();
    assert_eq!(acme.name, "Acme Dental Ltd");
    assert_eq!(acme.cw_identifier.as_deref(), Some("AcmeDental"));
    assert_eq!(acme.cw_company_id, Some(250));
    assert!(acme.present && acme.last_status.as_ref().is_some_and(|s| s.ok));
    let northwind = get(&store, "c-2").unwrap().unwrap();
    assert!(!northwind.present);

    // c-2 returns with its (absent) mapping untouched; a second identical refresh changes nothing.
    set_mapping(&store, "c-2", &mapping("NorthwindLaw")).unwrap();
    refresh(&store, &[company("c-2", "Northwind Law")]).unwrap();
    let summary = refresh(&store, &[company("c-2", "Northwind Law")]).unwrap();
    assert_eq!(summary, RefreshSummary::default());
    let northwind = get(&store, "c-2").unwrap().unwrap();
    assert!(northwind.present);
    assert_eq!(northwind.cw_identifier.as_deref(), Some("NorthwindLaw"));
    let names: Vec<_> = list(&store).unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Acme Dental Ltd", "Contoso", "Northwind Law"]);
}

#[test]
fn refresh_counts_returning_companies() {
    let store = seeded();
    refresh(&store, &[]).unwrap();
    assert!(list(&store).unwrap().iter().all(|c| !c.present));
    let summary = refresh(&store, &[company("c-1", "acme dental")]).unwrap();
    assert_eq!(summary.returned, 1);
}

#[test]
fn overrides_round_trip_with_null_for_default() {
    let store = seeded();
    let m = Mapping {
        event_types: Override::Explicit(TypeFilter::parse("Error")),
        backup_types: Override::Explicit(TypeFilter::All),
        agreement_condition: Override::Explicit(String::new()),
        ..mapping("AcmeDental")
    };
    set_mapping(&store, "c-1", &m).unwrap();
    let row = get(&store, "c-1").unwrap().unwrap();
    assert_eq!(row.event_types, m.event_types);
    assert_eq!(row.backup_types, m.backup_types);
    assert_eq!(row.agreement_condition, Override::Explicit(String::new()));
    assert!(row.is_mapped());

    set_mapping(&store, "c-1", &mapping("AcmeDental")).unwrap();
    let nulls: (Option<String>, Option<String>, Option<String>) = store
        .with_conn(|c| {
            c.query_row(
                "SELECT event_types, backup_types, agreement_condition FROM companies WHERE id = 'c-1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })
        .unwrap();
    assert_eq!(nulls, (None, None, None));

    clear_mapping(&store, "c-1").unwrap();
    let row = get(&store, "c-1").unwrap().unwrap();
    assert!(!row.is_mapped());
    assert_eq!(row.cw_identifier, None);
}

#[test]
fn effective_filters_apply_defaults() {
    let store = seeded();
    settings::set(&store, "defaults.backup_types", "FileLevel").unwrap();
    settings::set(&store, "defaults.agreement_condition", "name like \"%ICB\"").unwrap();
    let s = settings::Settings::load(&store).unwrap();

    set_mapping(&store, "c-1", &mapping("AcmeDental")).unwrap();
    let eff = get(&store, "c-1").unwrap().unwrap().effective(&s);
    assert_eq!(eff.event_types.to_string(), "Error,Warning,BackupAnomaly");
    assert_eq!(eff.backup_types.to_string(), "FileLevel");
    assert_eq!(eff.agreement_condition, "name like \"%ICB\"");

    let m = Mapping {
        event_types: Override::Explicit(TypeFilter::parse("Warning")),
        backup_types: Override::Explicit(TypeFilter::All),
        agreement_condition: Override::Explicit(String::new()),
        ..mapping("AcmeDental")
    };
    set_mapping(&store, "c-1", &m).unwrap();
    let eff = get(&store, "c-1").unwrap().unwrap().effective(&s);
    assert_eq!(eff.agreement_condition, "");
    let mut event: MonitoringEvent = serde_json::from_value(serde_json::json!({
        "id": "e", "companyId": "c-1", "backupType": "VMware",
        "eventType": "Warning", "jobStatus": "Failed"
    }))
    .unwrap();
    assert!(eff.allows(&event));
    event.event_type = "Error".to_owned();
    assert!(!eff.allows(&event));
}

#[test]
fn invalid_mappings_are_refused() {
    let store = seeded();
    let cases: Vec<(&str, Mapping, &str)> = vec![
        (
            "c-9",
            mapping("X"),
            "no Dashboard company has the id \"c-9\"",
        ),
        ("c-1", mapping("  "), "identifier is empty"),
        (
            "c-1",
            Mapping {
                event_types: Override::Explicit(TypeFilter::Only(vec![])),
                ..mapping("X")
            },
            "the event type list is empty",
        ),
        (
            "c-1",
            Mapping {
                agreement_condition: Override::Explicit("name lik \"%ICB\"".to_owned()),
                ..mapping("X")
            },
            "the agreement condition is invalid",
        ),
    ];
    for (id, m, fragment) in cases {
        let message = set_mapping(&store, id, &m).unwrap_err().to_string();
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
    }
    assert!(!get(&store, "c-1").unwrap().unwrap().is_mapped());
    assert!(matches!(
        clear_mapping(&store, "c-9"),
        Err(StoreError::UnknownCompany(_))
    ));
    assert!(matches!(
        set_last_status(&store, "c-9", &LastStatus::error_now("x")),
        Err(StoreError::UnknownCompany(_))
    ));
}

#[test]
fn last_status_round_trips() {
    let store = seeded();
    let status = LastStatus::error_now("no agreement matches `name like \"%ICB\"`");
    set_last_status(&store, "c-2", &status).unwrap();
    let got = get(&store, "c-2").unwrap().unwrap().last_status.unwrap();
    assert!(!got.ok);
    assert_eq!(got.message, status.message);
    assert_eq!(got.at.timestamp_millis(), status.at.timestamp_millis());
}
