//! Demo data for the Comet simulator: tenants named like the Dashboard demo
//! companies (so the same ConnectWise mapping works), user profiles as real
//! as the reference allows (password hashes, TOTP keys and vault
//! credentials included, marked so tests can prove they never leak), and a
//! five-step job timeline. Job times count back from when the timeline is
//! built (all within the last 10 minutes), so every step falls inside the
//! poll windows of a demo run that moves on within the 15-minute overlap.

use serde_json::{json, Value};

/// The admin the demo Comet Server accepts.
pub const DEMO_COMET_USER: &str = "bridge-reader";
/// Its password.
pub const DEMO_COMET_PASSWORD: &str = "comet-demo-5d8e1f0a";
/// Text found in every secret field of the demo profiles.
pub const SECRET_MARKER: &str = "SECRET-MARKER";

/// Tenant ids and names (the names of the Dashboard demo companies).
pub fn demo_tenants() -> Vec<(String, String)> {
    [
        ("8b0f-acme", "Acme Dental Ltd"),
        ("8b0f-northwind", "Northwind Law LLP"),
        ("8b0f-contoso", "Contoso Health Clinic"),
        ("8b0f-tailspin", "Tailspin Toys"),
    ]
    .iter()
    .map(|(id, name)| ((*id).to_owned(), (*name).to_owned()))
    .collect()
}

/// A profile with its secrets: `(username, tenant, device, [(source, name,
/// engine)], vault)`.
fn profile(user: &str, org: &str, device: (&str, &str), sources: &[(&str, &str, &str)]) -> Value {
    let sources: serde_json::Map<String, Value> = sources
        .iter()
        .map(|(guid, name, engine)| {
            let item = json!({
                "Description": name, "Engine": engine, "OwnerDevice": device.0,
                "EngineProps": {"PASSWORD": format!("{SECRET_MARKER}-item-{guid}")},
                "CreateTime": 1_790_000_000_i64, "ModifyTime": 1_790_000_000_i64,
            });
            ((*guid).to_owned(), item)
        })
        .collect();
    json!({
        "Username": user, "AccountName": format!("{user} account"),
        "OrganizationID": org, "LocalTimezone": "UTC", "LanguageCode": "en_US",
        "PasswordFormat": 1,
        "PasswordHash": format!("{SECRET_MARKER}-hash-{user}"),
        "PasswordRecovery": format!("{SECRET_MARKER}-recovery-{user}"),
        "AllowPasswordLogin": true, "AllowPasswordAndTOTPLogin": true,
        "TOTPKeyEncryptionFormat": 0,
        "TOTPKey": format!("{SECRET_MARKER}-totp-{user}"),
        "RequirePasswordChange": false, "CreateTime": 1_780_000_000_i64,
        "CreationGUID": format!("{user}-creation"),
        "Devices": {device.0: {
            "FriendlyName": device.1, "RegistrationTime": 1_780_000_000_i64,
            "PlatformVersion": {"Version": "10.0", "Distribution": "Windows Server 2022"},
        }},
        "Sources": sources,
        "Destinations": {format!("{user}-vault"): {
            "Description": format!("{user} cloud vault"), "DestinationType": 1003,
            "S3AccessKey": format!("{SECRET_MARKER}-s3key-{user}"),
            "S3SecretKey": format!("{SECRET_MARKER}-s3secret-{user}"),
            "EncryptionKey": format!("{SECRET_MARKER}-enc-{user}"),
        }},
        "Policy": {}, "Email": format!("it@{user}.example"),
    })
}

/// Four users, one per tenant.
pub fn demo_users() -> Value {
    let file = "engine1/file";
    json!({
        "acme": profile("acme", "8b0f-acme", ("dev-acme-dc01", "ACME-DC01"),
            &[("src-acme-files", "Nightly files", file),
              ("src-acme-sql", "Practice SQL", "engine1/mssql")]),
        "northwind": profile("northwind", "8b0f-northwind", ("dev-nw-sql01", "NW-SQL01"),
            &[("src-nw-image", "Server image", "engine1/windisk")]),
        "contoso": profile("contoso", "8b0f-contoso", ("dev-con-fs01", "CON-FS01"),
            &[("src-con-files", "Shares", file),
              ("src-con-hv", "Hyper-V guests", "engine1/hyperv")]),
        "tailspin": profile("tailspin", "8b0f-tailspin", ("dev-ts-ws07", "TS-WS07"),
            &[("src-ts-m365", "Mailboxes", "engine1/winmsofficemail")]),
    })
}

/// A `BackupJobDetail` with the reference's field names and integer types.
pub fn job(
    guid: &str,
    user: &str,
    source: &str,
    device: &str,
    status: i64,
    times: (i64, i64),
) -> Value {
    let mut j = json!({
        "GUID": guid, "Username": user, "Classification": 4001, "Status": status,
        "StartTime": times.0, "EndTime": times.1, "RetryCount": 0,
        "SourceGUID": source, "DestinationGUID": format!("{user}-vault"), "DeviceID": device,
        "ClientVersion": "24.6.3", "TotalDirectories": 12, "TotalFiles": 3400,
        "TotalSize": 1_234_567_890_i64, "TotalChunks": 900, "UploadSize": 45_000_000_i64,
        "DownloadSize": 0,
        "Progress": {"Counter": 7, "SentTime": times.0, "RecievedTime": times.0,
                     "BytesDone": 45_000_000_i64, "ItemsDone": 3400, "BytesTotal": 0,
                     "ItemsTotal": 0},
        "DestinationSizeStart": {"Size": 10_000_000_000_i64, "MeasureStarted": times.0,
                                 "MeasureCompleted": times.0, "ComponentCount": 1},
        "DestinationSizeEnd": {"Size": 10_045_000_000_i64, "MeasureStarted": times.1,
                               "MeasureCompleted": times.1, "ComponentCount": 1},
    });
    if times.1 != 0 {
        j["SnapshotID"] = json!(format!("snap-{guid}"));
    }
    j
}

/// Five steps, each the server's job history at that moment (`base` =
/// ten minutes before the timeline is built, in Unix seconds):
/// 0. Acme files fails (two errors); Northwind's image completes with a
///    warning;
/// 1. Acme files fails again with a new error line; Contoso's Hyper-V job
///    misses its schedule;
/// 2. Acme files is running; a Contoso job is skipped (7006, never ticketed);
/// 3. Acme files succeeds; a restore of Acme SQL fails (4002, never
///    ticketed);
/// 4. Acme files fails again; Tailspin's mailboxes fail.
pub fn demo_timeline() -> Vec<Vec<Value>> {
    demo_timeline_at(chrono::Utc::now().timestamp() - 600)
}

/// [`demo_timeline`] with job times counted from `base`.
pub fn demo_timeline_at(base: i64) -> Vec<Vec<Value>> {
    let t = |m: i64| base + m * 60;
    let acme = |guid: &str, status, times| {
        job(
            guid,
            "acme",
            "src-acme-files",
            "dev-acme-dc01",
            status,
            times,
        )
    };
    let warn = job(
        "job-nw-1",
        "northwind",
        "src-nw-image",
        "dev-nw-sql01",
        7001,
        (t(0), t(1)),
    );
    let missed = job(
        "job-con-1",
        "contoso",
        "src-con-hv",
        "dev-con-fs01",
        7004,
        (t(2), t(2)),
    );
    let skipped = job(
        "job-con-2",
        "contoso",
        "src-con-files",
        "dev-con-fs01",
        7006,
        (t(4), t(4)),
    );
    let mut restore = job(
        "job-acme-r1",
        "acme",
        "src-acme-sql",
        "dev-acme-dc01",
        7002,
        (t(6), t(6)),
    );
    restore["Classification"] = json!(4002);
    let tailspin = job(
        "job-ts-1",
        "tailspin",
        "src-ts-m365",
        "dev-ts-ws07",
        7002,
        (t(8), t(9)),
    );
    let step0 = vec![acme("job-acme-1", 7002, (t(0), t(1))), warn];
    let mut step1 = step0.clone();
    step1.extend([acme("job-acme-2", 7002, (t(2), t(3))), missed]);
    let mut step2 = step1.clone();
    step2.extend([acme("job-acme-3", 6001, (t(4), 0)), skipped]);
    // The running job's report is replaced by its finished one.
    let mut step3: Vec<Value> = step2
        .iter()
        .filter(|j| j["GUID"] != "job-acme-3")
        .cloned()
        .collect();
    step3.extend([acme("job-acme-3", 5000, (t(4), t(5))), restore]);
    let mut step4 = step3.clone();
    step4.extend([acme("job-acme-4", 7002, (t(8), t(9))), tailspin]);
    vec![step0, step1, step2, step3, step4]
}

fn entry(time: i64, severity: &str, message: &str) -> Value {
    json!({"Time": time, "Severity": severity, "Message": message})
}

/// The log lines of the demo's failing jobs (an `I` line each, which
/// `MinSeverity=W` leaves out).
pub fn demo_log_entries(base: i64) -> Vec<(String, Vec<Value>)> {
    let t = |m: i64| base + m * 60;
    vec![
        (
            "job-acme-1".into(),
            vec![
                entry(t(0), "I", "Starting backup"),
                entry(
                    t(1),
                    "E",
                    "Cannot read C:\\Data\\ledger.db: the file is locked",
                ),
                entry(t(1), "E", "2 files could not be backed up"),
            ],
        ),
        (
            "job-acme-2".into(),
            vec![
                entry(
                    t(3),
                    "E",
                    "Cannot read C:\\Data\\ledger.db: the file is locked",
                ),
                entry(
                    t(3),
                    "E",
                    "Cannot read C:\\Data\\payroll.xlsx: access denied",
                ),
            ],
        ),
        (
            "job-nw-1".into(),
            vec![entry(
                t(1),
                "W",
                "Skipped 1 file that changed during backup",
            )],
        ),
        (
            "job-acme-4".into(),
            vec![entry(
                t(9),
                "E",
                "Storage vault unreachable: connection reset",
            )],
        ),
        (
            "job-ts-1".into(),
            vec![entry(
                t(9),
                "E",
                "Microsoft 365 throttled the mailbox export",
            )],
        ),
    ]
}
