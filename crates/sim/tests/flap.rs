#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Flap damping (issue 17) in a real engine against the simulators: the
//! first three reopens within `ticket.flap_window_mins` cost what rule 6
//! costs, the fourth brings one flap note, and from then on a flip costs
//! nothing; the close that falls due with time alone is not hidden by the
//! in-step memo of rule 10.

mod world;

use std::time::Duration;

use bridge_core::ops;
use bridge_core::store::ticket_list::TicketQuery;
use serde_json::Value;
use world::*;

fn job(status: &str) -> Vec<Value> {
    vec![ev("evt-1", ACME, "Error", status, "3 files")]
}

/// ACME's evt-1 ticketed, then closed and reopened four times: flapping.
/// Returns the ticket.
async fn flapping_world(window_mins: &str) -> (World, i64) {
    let w = World::new().await;
    w.set("ticket.flap_window_mins", window_mins);
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(job("Failed")).await;
    let t = w.ticket_id("evt-1");
    let (note, patch) = (
        format!("POST /service/tickets/{t}/notes"),
        format!("PATCH /service/tickets/{t}"),
    );
    for round in 0..4 {
        let closed = w
            .sync_costs(
                "completed",
                job("Completed"),
                &[note.clone(), patch.clone()],
            )
            .await;
        assert_eq!(closed.counts.closed, 1, "round {round}");
        let want = if round < 3 {
            // Rule 6 as ever: reopen, then the change note.
            vec![patch.clone(), note.clone()]
        } else {
            // The fourth reopen: the flap note, the reopen, the summary.
            vec![note.clone(), patch.clone(), patch.clone()]
        };
        let reopened = w.sync_costs("failed again", job("Failed"), &want).await;
        assert_eq!(reopened.counts.reopened, 1, "round {round}");
    }
    (w, t)
}

fn flap_notes(w: &World, ticket: i64) -> Vec<String> {
    w.cw()
        .notes(ticket)
        .iter()
        .filter_map(|n| n["text"].as_str())
        .filter(|t| t.starts_with("flapping: ") || t.contains("after flapping"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_flapping_job_keeps_its_ticket_open_with_one_note_and_flips_cost_nothing() {
    let (w, t) = flapping_world("240").await;
    let ticket = w.cw().ticket(t).unwrap();
    assert_eq!(ticket["closedFlag"], false);
    assert!(
        ticket["summary"]
            .as_str()
            .unwrap()
            .starts_with("[flapping 4x] "),
        "{ticket}"
    );
    let notes = flap_notes(&w, t);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("flapping: 4 failures and 3 completions since "));
    // A dry run says what damping would do.
    w.demo.dashboard.set_events(job("Completed"));
    let dry = w.engine.run_cycle(true).await.unwrap();
    assert!(
        dry.actions
            .iter()
            .any(|a| a.text.starts_with("flapping: close held")),
        "{:?}",
        dry.actions
    );
    for _ in 0..3 {
        w.sync_costs("completed, held open", job("Completed"), &[])
            .await;
        w.sync_costs("failed, no reopen", job("Failed"), &[]).await;
    }
    assert_eq!(flap_notes(&w, t).len(), 1, "at most one an hour");
    assert_eq!(w.cw().ticket(t).unwrap()["closedFlag"], false);
    // Quiet cycles are still answered from memory (rule 10).
    w.sync_costs("in step, planned", job("Failed"), &[]).await;
    let hits = w.engine.in_step_hits();
    w.sync_costs("in step, remembered", job("Failed"), &[])
        .await;
    assert_eq!(w.engine.in_step_hits(), hits + 1);
    // `tickets` (and the Activity screen) show the count.
    let rows = ops::ticket_page(&w.engine, TicketQuery::default())
        .await
        .unwrap()
        .rows;
    assert_eq!(rows[0].flaps, Some(7));
}

/// The close falls due with time alone: the listing does not change, and
/// the memo of the last in-step cycle must not answer for it.
#[tokio::test]
async fn the_close_after_a_quiet_window_is_not_hidden_by_the_in_step_memo() {
    let (w, t) = flapping_world("1").await;
    w.sync_costs("completed, held open", job("Completed"), &[])
        .await;
    let hits = w.engine.in_step_hits();
    w.sync_costs("in step, planned", job("Completed"), &[])
        .await;
    w.sync_costs("in step, remembered", job("Completed"), &[])
        .await;
    assert_eq!(w.engine.in_step_hits(), hits + 1, "the memo still works");
    tokio::time::sleep(Duration::from_secs(62)).await;
    let closed = w
        .sync_costs(
            "completed for the window",
            job("Completed"),
            &[
                format!("PATCH /service/tickets/{t}"),
                format!("POST /service/tickets/{t}/notes"),
                format!("PATCH /service/tickets/{t}"),
            ],
        )
        .await;
    assert_eq!(closed.counts.closed, 1);
    let ticket = w.cw().ticket(t).unwrap();
    assert_eq!(ticket["closedFlag"], true);
    assert!(!ticket["summary"].as_str().unwrap().contains("flapping"));
    let notes = flap_notes(&w, t);
    assert!(
        notes
            .last()
            .unwrap()
            .starts_with("Completed for 1 minute after flapping: 4 failures and 4 completions"),
        "{notes:?}"
    );
    w.sync_costs("closed and in step", job("Completed"), &[])
        .await;
    let rows = ops::ticket_page(&w.engine, TicketQuery::default())
        .await
        .unwrap()
        .rows;
    assert_eq!(rows[0].flaps, None);
}
