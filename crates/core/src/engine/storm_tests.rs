//! Shared causes on real-looking backup error messages.

use super::*;

/// Each case: two machines' messages (with their computer names) that must
/// give the same cause, and that cause.
#[test]
fn the_same_failure_on_different_machines_gives_the_same_cause() {
    struct Case {
        name: &'static str,
        a: (&'static str, &'static str),
        b: (&'static str, &'static str),
        cause: &'static str,
    }
    let cases = [
        Case {
            name: "MSP360 cloud storage unavailable",
            a: (
                "Cloud storage is unavailable: Could not connect to s3.amazonaws.com (Request ID: 4F2A9C1B7E3D5A60). Retry 3 of 5 after 30 seconds.",
                "PC-01",
            ),
            b: (
                "Cloud storage is unavailable: Could not connect to s3.amazonaws.com (Request ID: 9B1D00E7A2C4F318). Retry 4 of 5 after 60 seconds.",
                "PC-02",
            ),
            cause: "Cloud storage is unavailable: Could not connect to s3.amazonaws.com (Request ID: <id>). Retry <n> of <n> after <duration>.",
        },
        Case {
            name: "locked file under a user's profile",
            a: (
                "The process cannot access the file 'C:\\Users\\bob\\NTUSER.DAT' because it is being used by another process.",
                "WS-BOB",
            ),
            b: (
                "The process cannot access the file 'C:\\Users\\Mary Ann\\NTUSER.DAT' because it is being used by another process.",
                "WS-MARY",
            ),
            cause: "The process cannot access the file '<path>' because it is being used by another process.",
        },
        Case {
            name: "installer error on the machine itself, with its domain",
            a: ("Error 1603 installing the backup agent on SRV-FS01", "SRV-FS01"),
            b: (
                "Error 1603 installing the backup agent on ws-acct-07.acme.local",
                "WS-ACCT-07",
            ),
            cause: "Error 1603 installing the backup agent on <computer>",
        },
        Case {
            name: "Veeam repository unreachable",
            a: ("Failed to connect to repository 10.0.0.5:10006", "VM-01"),
            b: ("Failed to connect to repository 192.168.20.14:10006", "VM-02"),
            cause: "Failed to connect to repository <ip>",
        },
        Case {
            name: "GUIDs and an HRESULT",
            a: (
                "Job {3F2504E0-4F89-11D3-9A0C-0305E82C3301} failed: VSS error 0x8004230F",
                "PC1",
            ),
            b: (
                "Job {6B29FC40-CA47-1067-B31D-00DD010662DA} failed: VSS error 0x8004230F",
                "PC2",
            ),
            cause: "Job <guid> failed: VSS error 0x8004230F",
        },
        Case {
            name: "UNC path naming the machine",
            a: ("Access denied to \\\\NAS01\\backups\\PC-17\\2026-11-20", "PC-17"),
            b: ("Access denied to \\\\NAS01\\backups\\PC-22\\2026-11-21", "PC-22"),
            cause: "Access denied to <path>",
        },
        Case {
            name: "Unix path and errno",
            a: (
                "rsync: open \"/home/bob/.cache/tracker3/meta.db\" failed: Permission denied (13)",
                "nas",
            ),
            b: (
                "rsync: open \"/home/alice/.cache/tracker3/meta.db\" failed: Permission denied (13)",
                "nas2",
            ),
            cause: "rsync: open '<path>' failed: Permission denied (<n>)",
        },
        Case {
            name: "sizes, dates and times, unquoted Unix path",
            a: (
                "Backup of 12.4 GB to /mnt/backup/pc1 finished at 2026-11-20 02:13:00 with 3 errors; 1,204 files skipped, next run 11/21/2026 2:00 AM",
                "pc1",
            ),
            b: (
                "Backup of 880 MB to /mnt/backup/pc2 finished at 2026-11-21T03:01:59Z with 12 errors; 7 files skipped, next run 11/22/2026 11:30 PM",
                "pc2",
            ),
            cause: "Backup of <size> to <path> finished at <time> with <n> errors; <n> files skipped, next run <date> <time>",
        },
        Case {
            name: "URLs and whitespace",
            a: (
                "Could not reach  https://backup.acme-dental.com:443/api/v1?x=1\n  (timeout)",
                "A",
            ),
            b: (
                "Could not reach https://backup.smith-law.com/api/v1 (timeout) ",
                "B",
            ),
            cause: "Could not reach <url> (timeout)",
        },
    ];
    for case in cases {
        let a = shared_cause(case.a.0, case.a.1);
        let b = shared_cause(case.b.0, case.b.1);
        assert_eq!(a, case.cause, "{}: first machine", case.name);
        assert_eq!(b, case.cause, "{}: second machine", case.name);
    }
}

#[test]
fn different_failures_keep_different_causes() {
    let pairs = [
        (
            "Error 1603 installing the agent",
            "Error 1618 installing the agent",
        ),
        ("exit code 5", "exit code 2"),
        ("VSS error 0x8004230F", "VSS error 0x80042306"),
        (
            "Could not connect to s3.amazonaws.com",
            "Could not connect to storage.googleapis.com",
        ),
        ("Disk full on NAS01", "Disk full on NAS02"),
    ];
    for (a, b) in pairs {
        assert_ne!(shared_cause(a, "PC1"), shared_cause(b, "PC1"), "{a} / {b}");
    }
}

#[test]
fn a_computer_name_is_masked_only_as_a_whole_name() {
    assert_eq!(
        shared_cause("PC1 lost PC10's share; pc1.corp.local is offline", "PC1"),
        "<computer> lost PC10's share; <computer> is offline"
    );
    assert_eq!(shared_cause("Agent stopped", ""), "Agent stopped");
    assert_eq!(
        shared_cause("C++ runtime missing", "C++"),
        "<computer> runtime missing"
    );
}

fn failure<'a>(
    id: &'a str,
    company: &'a str,
    computer: &'a str,
    message: &'a str,
) -> NewFailure<'a> {
    NewFailure {
        event_id: id,
        company_id: company,
        computer,
        message,
    }
}

#[test]
fn failures_sharing_a_cause_group_past_the_minimum() {
    let ids: Vec<String> = (0..12).map(|i| format!("e{i}")).collect();
    let computers: Vec<String> = (0..12).map(|i| format!("PC-{i:02}")).collect();
    let messages: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "Cloud storage is unavailable: Could not connect to s3.amazonaws.com after {} attempts on PC-{i:02}",
                i + 2
            )
        })
        .collect();
    let mut failures: Vec<NewFailure<'_>> = (0..10)
        .map(|i| {
            failure(
                &ids[i],
                if i % 2 == 0 { "c-1" } else { "c-2" },
                &computers[i],
                &messages[i],
            )
        })
        .collect();
    failures.push(failure("x1", "c-3", "SRV", "Error 1603 on SRV"));
    failures.push(failure("x2", "c-3", "SRV2", "Error 1603 on SRV2"));
    failures.push(failure("y1", "c-3", "SRV3", "Disk full"));

    let groups = shared_causes(&failures, 10);
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(
        g.cause,
        "Cloud storage is unavailable: Could not connect to s3.amazonaws.com after <n> attempts on <computer>"
    );
    assert_eq!(g.event_ids, ids[..10]);
    assert_eq!(g.companies.iter().collect::<Vec<_>>(), ["c-1", "c-2"]);
    assert_eq!(g.computers.len(), 10);

    assert!(shared_causes(&failures, 11).is_empty());
    // A minimum below two still needs two failures: largest group first.
    let small = shared_causes(&failures, 0);
    let sizes: Vec<usize> = small.iter().map(|g| g.event_ids.len()).collect();
    assert_eq!(sizes, [10, 2]);
    assert_eq!(small[1].cause, "Error 1603 on <computer>");
    assert!(shared_causes(&[], 1).is_empty());
}
