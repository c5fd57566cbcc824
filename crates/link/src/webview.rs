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

/// The environment variable GTK 3 reads for its OpenGL use.
pub const GDK_GL: &str = "GDK_GL";

/// What [`prefer_software_rendering`] sets `GDK_GL` to, unless it is set.
pub fn gdk_gl_value(current: Option<&str>) -> Option<&'static str> {
    match current {
        Some(_) => None,
        None => Some("disable"),
    }
}

/// Sets `GDK_GL=disable` on Linux unless the user chose a value. Call first
/// thing in `main`, before any thread starts (the environment is shared).
pub fn prefer_software_rendering() {
    #[cfg(target_os = "linux")]
    if let Some(value) = gdk_gl_value(std::env::var(GDK_GL).ok().as_deref()) {
        std::env::set_var(GDK_GL, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_the_user_set_is_kept() {
        assert_eq!(gdk_gl_value(None), Some("disable"));
        assert_eq!(gdk_gl_value(Some("always")), None);
        assert_eq!(gdk_gl_value(Some("")), None);
    }
}
