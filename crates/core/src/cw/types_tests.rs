//! Wire shapes of requests and tolerant decoding of responses.

use super::*;
use serde_json::json;

#[test]
fn new_ticket_wire_shape() {
    let t = NewTicket {
        summary: "Error:\tSRV01\nfailed".into(),
        board: 1.into(),
        company: 250.into(),
        status: Some(16.into()),
        priority: None,
        agreement: Some(249.into()),
        type_: Some(7.into()),
        sub_type: None,
        item: None,
        external_x_ref: "bb:e1".into(),
        initial_description: "details".into(),
    };
    let v = serde_json::to_value(NewTicketWire::from_ticket(&t)).unwrap();
    assert_eq!(
        v,
        json!({"summary":"Error: SRV01 failed","recordType":"ServiceTicket","board":{"id":1},
               "company":{"id":250},"status":{"id":16},"agreement":{"id":249},"type":{"id":7},
               "externalXRef":"bb:e1","initialDescription":"details","processNotifications":false})
    );
}

#[test]
fn note_wire_shape() {
    let v = serde_json::to_value(NewNoteWire::from_note(&NewNote::resolution("done"))).unwrap();
    assert_eq!(
        v,
        json!({"text":"done","detailDescriptionFlag":false,"internalAnalysisFlag":false,
               "resolutionFlag":true,"customerUpdatedFlag":false,"processNotifications":false})
    );
    assert!(NewNote::discussion("x").detail_description_flag);
}

#[test]
fn responses_are_read_tolerantly() {
    let ticket: Ticket = serde_json::from_value(json!({
        "id": 5, "summary": "s", "board": {"id": 1, "name": "Service Desk", "_info": {}},
        "company": {"id": 250, "identifier": "AcmeDental"}, "priority": {"id": 4, "name": "P", "sort": 3},
        "agreement": {"id": 9, "name": "MSP", "type": "Managed"}, "externalXRef": "bb:1",
        "closedFlag": true, "closedDate": "2025-01-01T00:00:00Z", "somethingNew": [1, 2]
    }))
    .unwrap();
    assert_eq!(ticket.company.unwrap().name, "");
    assert_eq!(ticket.external_x_ref.as_deref(), Some("bb:1"));
    assert!(ticket.closed_flag);
    let minimal: Ticket = serde_json::from_value(json!({"id": 6})).unwrap();
    assert!(minimal.board.is_none() && !minimal.closed_flag);
    let agreement: Agreement = serde_json::from_value(json!({
        "id": 1, "name": "A", "type": {"id": 2, "name": "MSP"}, "cancelledFlag": false,
        "agreementStatus": "Active"
    }))
    .unwrap();
    assert_eq!(agreement.type_.unwrap().name, "MSP");
    let info: CompanyInfo = serde_json::from_value(json!({
        "CompanyName":"X","Codebase":"v2017_3/","IsCloud":"True"
    }))
    .unwrap();
    assert_eq!(info.codebase, "v2017_3/");
}

/// REGRESSION: `#[serde(default)]` refused an explicit `null`, so one ticket
/// with `"summary": null` or `"closedFlag": null` failed the whole batched
/// lookup (and with it the cycle).
#[test]
fn explicit_nulls_read_as_defaults() {
    let tickets: Vec<Ticket> = serde_json::from_value(json!([
        {"id": 1, "summary": "ok", "closedFlag": true},
        {"id": 2, "summary": null, "closedFlag": null, "board": null,
         "status": {"id": 5, "name": null}, "company": {"id": 7, "identifier": null, "name": null}}
    ]))
    .unwrap();
    assert_eq!(tickets.len(), 2);
    assert_eq!(tickets[1].summary, "");
    assert!(!tickets[1].closed_flag);
    assert_eq!(tickets[1].status.as_ref().unwrap().name, "");
    assert_eq!(tickets[1].company.as_ref().unwrap().identifier, "");
    let status: BoardStatus = serde_json::from_value(json!({
        "id": 3, "name": null, "closedStatus": null, "defaultFlag": null,
        "inactive": null, "sortOrder": null
    }))
    .unwrap();
    assert!(!status.closed_status && status.sort_order == 0);
    let others = json!({"id": 4, "name": null, "identifier": null, "deletedFlag": null,
                        "cancelledFlag": null, "inactiveFlag": null, "defaultFlag": null,
                        "sortOrder": null, "ticketId": null, "text": null,
                        "detailDescriptionFlag": null, "internalAnalysisFlag": null,
                        "resolutionFlag": null});
    serde_json::from_value::<Company>(others.clone()).unwrap();
    serde_json::from_value::<Agreement>(others.clone()).unwrap();
    serde_json::from_value::<Board>(others.clone()).unwrap();
    serde_json::from_value::<Priority>(others.clone()).unwrap();
    serde_json::from_value::<Note>(others.clone()).unwrap();
    serde_json::from_value::<NamedRef>(others.clone()).unwrap();
    serde_json::from_value::<BoardChild>(others).unwrap();
    let info: SystemInfo =
        serde_json::from_value(json!({"version": null, "isCloud": null})).unwrap();
    assert!(!info.is_cloud && info.version.is_empty());
    // A missing id is still a broken record.
    assert!(serde_json::from_value::<Ticket>(json!({"id": null})).is_err());
}
