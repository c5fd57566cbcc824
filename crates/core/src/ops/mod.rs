//! The operations a person asks for — refresh and map companies, test the
//! connection, preview agreements, list tickets — shared by the desktop shell
//! and the CLI so that neither holds a rule of its own.

mod activity;
mod companies;
mod connection;
mod outbox;
mod seen;
mod setup;
mod snooze;
mod subject;

pub use activity::{
    diagnostics, ticket_changes, ticket_links, ticket_page, ticket_url, tickets, TicketChanges,
    TicketPage, TicketRow,
};
pub use companies::{
    company, company_page, list_companies, map_company, refresh_companies, suggest_cw_companies,
    CompanyPage, CompanyQuery, CompanyView, MapRequest, Refreshed,
};
pub use connection::{
    connection, save_connection, save_secret, test_connection, ConnectionInput, ConnectionView,
    TestReport, TestStep,
};
pub use outbox::{attention, forget_intent, recover_database, Attention, StuckIntent};
pub use seen::{seen_types, SeenTypes, SEEN_TYPES_KEY, SEEN_TYPES_MAX, SEEN_TYPE_MAX_CHARS};
pub use setup::{
    board_options, boards, preview_agreements, priorities, summary_example, BoardOptions,
};
pub use snooze::{add_snooze, list_snoozes, parse_until, remove_snooze, UNTIL_FORMS};
pub use subject::{subject_from_summary, Subject};
