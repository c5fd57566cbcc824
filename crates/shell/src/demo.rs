//! Demo mode's simulators, when this build has them: the cargo feature
//! `demo` links `bridge-sim` (the tray turns it on in its default features,
//! so the shipped build has demo mode). Without it, [`Demo`] is a stand-in
//! that never starts, and asking for demo mode (the `start_demo` command,
//! `--demo`) fails with [`NO_DEMO_MODE`].

use bridge_core::source::SourceKind;
use bridge_link::launch::LaunchOptions;

#[cfg(feature = "demo")]
pub use bridge_sim::demo::Demo;

#[cfg(not(feature = "demo"))]
pub use absent::Demo;

/// Whether this build has demo mode.
pub const AVAILABLE: bool = cfg!(feature = "demo");

/// Why demo mode does not start in a build without it.
pub const NO_DEMO_MODE: &str = "this build of BackupBridge has no demo mode (it was built \
     without the cargo feature `demo`); use a release build to try the demo, or set up your \
     own connection";

/// The backup platform the demo simulates, as the launch named it
/// (`--demo-source=`).
pub fn launch_source(launch: &LaunchOptions) -> SourceKind {
    SourceKind::parse(launch.demo_source).unwrap_or(SourceKind::Dashboard)
}

#[cfg(any(test, not(feature = "demo")))]
#[cfg_attr(feature = "demo", allow(dead_code))]
mod absent {
    //! The stand-in for `bridge_sim::demo::Demo` in a build without demo
    //! mode: it has no value, so only starting it can be called.

    use bridge_core::engine::Engine;
    use bridge_core::source::SourceKind;
    use bridge_core::store::Store;

    /// No simulators: [`Demo::start_source`] always fails.
    #[derive(Debug)]
    pub enum Demo {}

    /// The error of starting the demo in this build.
    #[derive(Debug)]
    pub struct NoDemoMode;

    impl std::fmt::Display for NoDemoMode {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(super::NO_DEMO_MODE)
        }
    }

    impl Demo {
        /// Fails: this build has no simulators.
        pub async fn start_source(_kind: SourceKind) -> Result<Demo, NoDemoMode> {
            Err(NoDemoMode)
        }

        /// Never called: no `Demo` exists.
        pub async fn engine(&self, _store: Store) -> Result<Engine, bridge_core::Error> {
            match *self {}
        }

        /// Never called: no `Demo` exists.
        pub fn cw_url(&self) -> String {
            match *self {}
        }

        /// Never called: no `Demo` exists.
        pub fn source_url(&self) -> String {
            match *self {}
        }

        /// Never called: no `Demo` exists.
        pub async fn shutdown(self) {
            match self {}
        }
    }
}

#[cfg(test)]
mod tests {
    use bridge_link::launch::DEMO_SOURCES;

    use super::*;

    #[test]
    fn the_launch_flags_name_every_source_kind() {
        let words: Vec<&str> = DEMO_SOURCES.iter().map(|(word, _)| *word).collect();
        let kinds: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(words, kinds);
        for (word, flag) in DEMO_SOURCES {
            let launch = LaunchOptions::from_args(["app", flag]);
            assert_eq!(launch_source(&launch).as_str(), word);
        }
        assert_eq!(
            launch_source(&LaunchOptions::from_args(["app"])),
            SourceKind::Dashboard
        );
    }

    #[tokio::test]
    async fn a_build_without_demo_mode_says_so() {
        let error = absent::Demo::start_source(SourceKind::Dashboard)
            .await
            .unwrap_err();
        let message = crate::Error::Demo(format!("{error:#}")).to_string();
        assert!(message.contains("has no demo mode"), "{message}");
        assert!(message.contains("feature `demo`"), "{message}");
    }
}
