//! The macro that turns the one declaration of the UI's commands (in
//! `commands/mod.rs`) into everything that must agree with it: the wire types
//! of each command (`wire::<command>::{Args, Output}`), the name list
//! [`COMMANDS`](super::COMMANDS), the dispatcher [`call`](super::call) and
//! the walk over the commands that writes the TypeScript bindings
//! (`bindings.rs`).
//!
//! Each declaration reads
//! `name(arg: Type, ...) -> Result => handler expression;`. The handler
//! expression sees the state under the name given first and each argument
//! under its own name, and must be a `Result<Output>`: a command whose
//! handler function is missing, or returns another type, does not compile.

/// Declares the UI's commands; see the module doc.
macro_rules! ui_commands {
    (
        $state:ident;
        $( $name:ident ( $( $arg:ident : $ty:ty ),* $(,)? ) -> $out:ty => $handler:expr ; )+
    ) => {
        /// Each command's wire types: `Args`, the JSON object `invoke` sends
        /// (camelCase keys), and `Output`, what the command returns.
        pub mod wire {
            $(
                #[doc = concat!("The wire types of `", stringify!($name), "`.")]
                pub mod $name {
                    #[allow(unused_imports)]
                    use super::super::*;

                    #[doc = concat!("The arguments of `", stringify!($name), "`, as `invoke` sends them.")]
                    #[derive(Debug, serde::Deserialize, ts_rs::TS)]
                    #[serde(rename_all = "camelCase")]
                    pub struct Args {
                        $( pub $arg: $ty, )*
                    }

                    #[doc = concat!("What `", stringify!($name), "` returns.")]
                    pub type Output = $out;
                }
            )+
        }

        /// Every command the UI may call, in declaration order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),+];

        /// Runs the UI command `command` with its arguments as the UI sent
        /// them (an object with camelCase keys, as Tauri's `invoke` passes
        /// them) and returns its result as JSON. An unknown command or
        /// arguments of the wrong shape are an `invalid` error naming them.
        pub async fn call($state: &AppState, command: &str, args: Value) -> Result<Value> {
            match command {
                $(
                    stringify!($name) => {
                        let wire::$name::Args { $($arg),* } = parse(command, args)?;
                        let output: Result<wire::$name::Output> = $handler;
                        json(output)
                    }
                )+
                other => Err(Error::Invalid(format!(
                    "\"{other}\" is not a command of this version of BackupBridge"
                ))),
            }
        }

        /// Shows each command, with its wire types, to `visitor`, in
        /// declaration order.
        pub(crate) fn visit_commands(visitor: &mut impl bindings::CommandVisitor) {
            $( visitor.command::<wire::$name::Args, wire::$name::Output>(stringify!($name)); )+
        }
    };
}

pub(crate) use ui_commands;
