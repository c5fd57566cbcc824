//! The demo fixture (`CwSeed::demo()`) and its credentials: what the
//! `bridge-sim` binary, demo mode and most tests start from. Company names
//! match the Dashboard simulator's demo companies.

use super::seed::{
    rights, CwSeed, SeedAgreement, SeedApiMember, SeedBoard, SeedBoardType, SeedCompany,
    SeedIntegrator, SeedItem, SeedMember, SeedNamed, SeedPriority, SeedStatus, SeedSubType,
};

/// Login company id of the demo server.
pub const DEMO_COMPANY: &str = "bridgedemo";
/// The only `clientId` the demo server accepts.
pub const DEMO_CLIENT_ID: &str = "3f2b8c1e-7d4a-4e6b-9a2c-5d8e1f0b7c34";
/// Demo API member (all rights): public key.
pub const DEMO_PUBLIC_KEY: &str = "Xq7bPw3kLm9sTz2R";
/// Demo API member (all rights): private key.
pub const DEMO_PRIVATE_KEY: &str = "f4Gh8Jk2Lp6Qw9Er";
/// Member identifier of the demo API member (appears in `_info.updatedBy`).
pub const DEMO_API_MEMBER: &str = "BackupBridgeAPI";
/// Restricted API member (denied `tickets.create` and `agreements.read`): public key.
pub const DEMO_RESTRICTED_PUBLIC_KEY: &str = "Rr5tYu8iOp1aSd3F";
/// Restricted API member: private key.
pub const DEMO_RESTRICTED_PRIVATE_KEY: &str = "g7Hj1Kl4Zx6Cv9Bn";
/// Legacy integrator login (only accepted for minting member tokens).
pub const DEMO_INTEGRATOR_USER: &str = "bridge_integrator";
/// Password of [`DEMO_INTEGRATOR_USER`].
pub const DEMO_INTEGRATOR_PASSWORD: &str = "Integr8-Pass-2025";
/// Member identifier to mint tokens for (all rights).
pub const DEMO_MEMBER: &str = "bbridge";

/// Company ids of the demo fixture.
pub const DEMO_ACME_ID: i64 = 250;
pub const DEMO_NORTHWIND_ID: i64 = 251;
pub const DEMO_CONTOSO_ID: i64 = 252;
pub const DEMO_FABRIKAM_ID: i64 = 253;
pub const DEMO_BLUEYONDER_ID: i64 = 254;
/// A deleted company (`deletedFlag: true`): creating tickets for it fails.
pub const DEMO_DELETED_COMPANY_ID: i64 = 255;
/// Board "Service Desk".
pub const DEMO_SERVICE_BOARD_ID: i64 = 1;
/// Board "Projects Intake" (for cross-board tests).
pub const DEMO_PROJECTS_BOARD_ID: i64 = 2;
/// Status ids on "Service Desk".
pub const DEMO_STATUS_NEW: i64 = 16;
pub const DEMO_STATUS_IN_PROGRESS: i64 = 17;
pub const DEMO_STATUS_WAITING: i64 = 18;
pub const DEMO_STATUS_CLOSED: i64 = 19;
pub const DEMO_STATUS_CLOSED_RESOLVED: i64 = 20;
/// Status "New" on "Projects Intake".
pub const DEMO_PROJECTS_STATUS_NEW: i64 = 30;
/// Default priority "Priority 3 - Normal".
pub const DEMO_PRIORITY_NORMAL: i64 = 3;

const BC_TYPE: (i64, &str) = (10, "Business Continuity");
const MSP_TYPE: (i64, &str) = (11, "MSP");

fn status(id: i64, name: &str, closed: bool, default: bool, sort: i64) -> SeedStatus {
    SeedStatus {
        id,
        name: name.to_owned(),
        closed_status: closed,
        default_flag: default,
        inactive: false,
        sort_order: sort,
    }
}

fn agreement(id: i64, company: i64, name: &str, ty: (i64, &str), status: &str) -> SeedAgreement {
    let cancelled = status == "Cancelled";
    SeedAgreement {
        id,
        name: name.to_owned(),
        company_id: company,
        type_: SeedNamed {
            id: ty.0,
            name: ty.1.to_owned(),
        },
        agreement_status: status.to_owned(),
        cancelled_flag: cancelled,
        start_date: Some("2024-01-01T00:00:00Z".to_owned()),
        end_date: match status {
            "Active" => None,
            _ => Some("2024-12-31T00:00:00Z".to_owned()),
        },
        no_ending_date_flag: status == "Active",
        parent_agreement_id: None,
    }
}

fn company(id: i64, identifier: &str, name: &str) -> SeedCompany {
    SeedCompany {
        id,
        identifier: identifier.to_owned(),
        name: name.to_owned(),
        deleted_flag: false,
        status: "Active".to_owned(),
    }
}

impl CwSeed {
    /// The demo fixture: six companies (one deleted), agreements per company
    /// (a "Business Continuity ICB" of type "Business Continuity" for most,
    /// cancelled and expired ones for some), boards "Service Desk" and
    /// "Projects Intake" (plus an inactive "Archive"), four priorities, a
    /// full-rights and a restricted API member, an integrator login and members.
    pub fn demo() -> CwSeed {
        let mut deleted = company(DEMO_DELETED_COMPANY_ID, "OldTraders", "Old Traders Co");
        deleted.deleted_flag = true;
        let companies = vec![
            company(DEMO_ACME_ID, "AcmeDental", "Acme Dental Ltd"),
            company(DEMO_NORTHWIND_ID, "NorthwindLaw", "Northwind Law LLP"),
            company(DEMO_CONTOSO_ID, "ContosoHealth", "Contoso Health Clinic"),
            company(DEMO_FABRIKAM_ID, "FabrikamBuild", "Fabrikam Builders Inc"),
            company(DEMO_BLUEYONDER_ID, "BlueYonder", "Blue Yonder Airlines"),
            deleted,
        ];
        let bc = "Business Continuity ICB";
        let agreements = vec![
            agreement(401, DEMO_ACME_ID, bc, BC_TYPE, "Active"),
            agreement(402, DEMO_ACME_ID, "Managed Services", MSP_TYPE, "Active"),
            agreement(
                403,
                DEMO_ACME_ID,
                "Business Continuity ICB (2023)",
                BC_TYPE,
                "Cancelled",
            ),
            agreement(411, DEMO_NORTHWIND_ID, bc, BC_TYPE, "Active"),
            agreement(
                412,
                DEMO_NORTHWIND_ID,
                "Managed Services",
                MSP_TYPE,
                "Active",
            ),
            agreement(
                413,
                DEMO_NORTHWIND_ID,
                "Backup Legacy ICB",
                BC_TYPE,
                "Cancelled",
            ),
            agreement(421, DEMO_CONTOSO_ID, bc, BC_TYPE, "Active"),
            agreement(
                422,
                DEMO_CONTOSO_ID,
                "Business Continuity ICB (old)",
                BC_TYPE,
                "Expired",
            ),
            agreement(431, DEMO_FABRIKAM_ID, bc, BC_TYPE, "Active"),
            agreement(
                441,
                DEMO_BLUEYONDER_ID,
                "Managed Services",
                MSP_TYPE,
                "Active",
            ),
            agreement(
                442,
                DEMO_BLUEYONDER_ID,
                "Business Continuity ICB",
                BC_TYPE,
                "Cancelled",
            ),
        ];
        let mut old_closed = status(21, "Closed (legacy)", true, false, 9);
        old_closed.inactive = true;
        let service_desk = SeedBoard {
            id: DEMO_SERVICE_BOARD_ID,
            name: "Service Desk".to_owned(),
            inactive_flag: false,
            project_flag: false,
            statuses: vec![
                status(DEMO_STATUS_NEW, "New", false, true, 0),
                status(DEMO_STATUS_IN_PROGRESS, "In Progress", false, false, 1),
                status(DEMO_STATUS_WAITING, "Waiting", false, false, 2),
                status(DEMO_STATUS_CLOSED, ">Closed", true, false, 3),
                status(
                    DEMO_STATUS_CLOSED_RESOLVED,
                    "Closed (resolved)",
                    true,
                    false,
                    4,
                ),
                old_closed,
            ],
            types: vec![
                SeedBoardType {
                    id: 250,
                    name: "Backup".to_owned(),
                    category: "Reactive".to_owned(),
                    default_flag: true,
                    inactive_flag: false,
                },
                SeedBoardType {
                    id: 251,
                    name: "Incident".to_owned(),
                    category: "Reactive".to_owned(),
                    default_flag: false,
                    inactive_flag: false,
                },
            ],
            subtypes: ["Failure", "Warning", "Anomaly"]
                .iter()
                .zip(701..)
                .map(|(name, id)| SeedSubType {
                    id,
                    name: (*name).to_owned(),
                    inactive_flag: false,
                    type_association_ids: vec![250],
                })
                .collect(),
            items: ["Server", "Workstation", "Cloud"]
                .iter()
                .zip(12..)
                .map(|(name, id)| SeedItem {
                    id,
                    name: (*name).to_owned(),
                    inactive_flag: false,
                })
                .collect(),
        };
        let projects = SeedBoard {
            id: DEMO_PROJECTS_BOARD_ID,
            name: "Projects Intake".to_owned(),
            inactive_flag: false,
            project_flag: false,
            statuses: vec![
                status(DEMO_PROJECTS_STATUS_NEW, "New", false, true, 0),
                status(31, "Scoping", false, false, 1),
                status(32, "Done", true, false, 2),
            ],
            types: vec![SeedBoardType {
                id: 260,
                name: "Project Request".to_owned(),
                category: "Proactive".to_owned(),
                default_flag: true,
                inactive_flag: false,
            }],
            subtypes: vec![],
            items: vec![],
        };
        let archive = SeedBoard {
            id: 3,
            name: "Archive".to_owned(),
            inactive_flag: true,
            project_flag: false,
            statuses: vec![status(40, "New", false, true, 0)],
            types: vec![],
            subtypes: vec![],
            items: vec![],
        };
        let priorities = [
            (1, "Priority 1 - Critical", "#FF0000"),
            (2, "Priority 2 - High", "#FF8000"),
            (DEMO_PRIORITY_NORMAL, "Priority 3 - Normal", "#0080FF"),
            (4, "Priority 4 - Low", "#808080"),
        ]
        .iter()
        .map(|(id, name, color)| SeedPriority {
            id: *id,
            name: (*name).to_owned(),
            sort_order: *id,
            default_flag: *id == DEMO_PRIORITY_NORMAL,
            color: Some((*color).to_owned()),
        })
        .collect();
        CwSeed {
            company_id: DEMO_COMPANY.to_owned(),
            company_name: "BackupBridge Demo MSP".to_owned(),
            codebase: "v2025_1/".to_owned(),
            version: "v2025.1.10451".to_owned(),
            is_cloud: true,
            client_ids: vec![DEMO_CLIENT_ID.to_owned()],
            api_members: vec![
                SeedApiMember {
                    identifier: DEMO_API_MEMBER.to_owned(),
                    public_key: DEMO_PUBLIC_KEY.to_owned(),
                    private_key: DEMO_PRIVATE_KEY.to_owned(),
                    denied_rights: vec![],
                },
                SeedApiMember {
                    identifier: "LimitedAPI".to_owned(),
                    public_key: DEMO_RESTRICTED_PUBLIC_KEY.to_owned(),
                    private_key: DEMO_RESTRICTED_PRIVATE_KEY.to_owned(),
                    denied_rights: vec![
                        rights::TICKETS_CREATE.to_owned(),
                        rights::AGREEMENTS_READ.to_owned(),
                    ],
                },
            ],
            integrators: vec![SeedIntegrator {
                username: DEMO_INTEGRATOR_USER.to_owned(),
                password: DEMO_INTEGRATOR_PASSWORD.to_owned(),
            }],
            members: vec![
                SeedMember {
                    id: 150,
                    identifier: DEMO_API_MEMBER.to_owned(),
                    name: "Backup Bridge API".to_owned(),
                    denied_rights: vec![],
                },
                SeedMember {
                    id: 151,
                    identifier: DEMO_MEMBER.to_owned(),
                    name: "Bea Bridge".to_owned(),
                    denied_rights: vec![],
                },
                SeedMember {
                    id: 152,
                    identifier: "intern".to_owned(),
                    name: "Ian Intern".to_owned(),
                    denied_rights: vec![rights::TICKETS_DELETE.to_owned()],
                },
            ],
            companies,
            agreements,
            boards: vec![service_desk, projects, archive],
            priorities,
        }
    }
}
