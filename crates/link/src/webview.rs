//! How the window is drawn on Linux. BackupBridge's screens are forms and
//! tables: the CPU draws them without effort. Letting GTK probe OpenGL at
//! start-up, though, loads the system's GL driver into the tray process
//! (with Mesa, LLVM: over 40 MB resident, for as long as the app runs, even
//! when no window was ever opened), and WebKit then composites with GL in
//! its web process too (about 100 MB more while the window is open).
//! `GDK_GL=disable` turns both off; a value the user set is kept. Programs
//! the app starts (the browser a ticket link opens, when none is running
//! yet) inherit the variable; it only concerns GTK's own OpenGL use, which a
//! browser does not draw with.
//!
//! The window process also asks its web engine for less
//! ([`lighten_web_engine`]): frames reach the window through shared memory
//! rather than GPU buffers (`WEBKIT_DISABLE_DMABUF_RENDERER`), and
//! JavaScriptCore interprets the UI's script instead of compiling it
//! (`JSC_useJIT=0`). The script is small and event-driven: drawing a page
//! of 100 rows or applying a filter takes the same tens of milliseconds
//! either way, while the compiler tiers held about 30 MB across the window's
//! processes (the bench's `window` scenario measures both). These two are
//! set in the window process only and kept from the processes it starts
//! ([`set_here`], used by [`crate::launch::child_command`]), so a browser
//! built on WebKitGTK that a ticket link opens keeps its JIT.

use std::sync::OnceLock;

use crate::platform::Os;

/// The environment variable GTK 3 reads for its OpenGL use.
pub const GDK_GL: &str = "GDK_GL";

/// What [`prefer_software_rendering`] sets `GDK_GL` to on `os`, given its
/// value now: `disable` where the web view is WebKitGTK (Linux), unless the
/// user set it.
pub fn gdk_gl_value(os: Os, current: Option<&str>) -> Option<&'static str> {
    match (os, current) {
        (Os::Linux, None) => Some("disable"),
        (Os::Linux, Some(_)) | (Os::Windows | Os::MacOs | Os::OtherUnix, _) => None,
    }
}

/// Sets `GDK_GL=disable` on Linux unless the user chose a value. Call first
/// thing in `main`, before any thread starts (the environment is shared).
pub fn prefer_software_rendering() {
    let current = std::env::var(GDK_GL).ok();
    if let Some(value) = gdk_gl_value(Os::current(), current.as_deref()) {
        std::env::set_var(GDK_GL, value);
    }
}

/// The variables [`lighten_web_engine`] sets for the web engine.
pub const WEB_ENGINE_VARS: [(&str, &str); 2] =
    [("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("JSC_useJIT", "0")];

/// The variables of [`WEB_ENGINE_VARS`] to set on `os`: on Linux (where the
/// web view is WebKitGTK), those the user has not set (`is_set`).
pub fn web_engine_vars(os: Os, is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    match os {
        Os::Linux => WEB_ENGINE_VARS
            .into_iter()
            .filter(|(key, _)| !is_set(key))
            .collect(),
        Os::Windows | Os::MacOs | Os::OtherUnix => Vec::new(),
    }
}

static SET_HERE: OnceLock<Vec<&'static str>> = OnceLock::new();

/// Sets [`web_engine_vars`] for this process's web engine. Call first thing
/// in the window process's `main`, before any thread starts.
pub fn lighten_web_engine() {
    let vars = web_engine_vars(Os::current(), |key| std::env::var_os(key).is_some());
    for (key, value) in &vars {
        std::env::set_var(key, value);
    }
    let _ = SET_HERE.set(vars.into_iter().map(|(key, _)| key).collect());
}

/// The variables [`lighten_web_engine`] set in this process (none in the
/// tray process): children do not inherit them.
pub fn set_here() -> &'static [&'static str] {
    SET_HERE.get().map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_web_engine_is_lightened_on_linux_unless_the_user_chose() {
        let none = |_: &str| false;
        assert_eq!(web_engine_vars(Os::Linux, none), WEB_ENGINE_VARS.to_vec());
        let jit_chosen = |key: &str| key == "JSC_useJIT";
        assert_eq!(
            web_engine_vars(Os::Linux, jit_chosen),
            [("WEBKIT_DISABLE_DMABUF_RENDERER", "1")]
        );
        for os in [Os::Windows, Os::MacOs, Os::OtherUnix] {
            assert!(web_engine_vars(os, none).is_empty(), "{os:?}");
        }
    }

    #[test]
    fn a_value_the_user_set_is_kept() {
        assert_eq!(gdk_gl_value(Os::Linux, None), Some("disable"));
        assert_eq!(gdk_gl_value(Os::Linux, Some("always")), None);
        assert_eq!(gdk_gl_value(Os::Linux, Some("")), None);
    }

    #[test]
    fn only_linux_turns_gtk_opengl_off() {
        for os in [Os::Windows, Os::MacOs, Os::OtherUnix] {
            assert_eq!(gdk_gl_value(os, None), None, "{os:?}");
        }
    }
}
