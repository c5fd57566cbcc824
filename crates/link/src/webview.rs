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

#[cfg(test)]
mod tests {
    use super::*;

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
