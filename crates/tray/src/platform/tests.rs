use super::*;

#[test]
fn only_macos_is_menu_bar_only_and_opens_the_menu_on_a_left_click() {
    for os in Os::ALL {
        assert_eq!(menu_bar_only(os), os == Os::MacOs, "{os:?}");
        assert_eq!(menu_on_left_click(os), os == Os::MacOs, "{os:?}");
    }
}

#[test]
fn markup_is_escaped_for_freedesktop_servers_only() {
    let cases = [
        (Os::Windows, false),
        (Os::MacOs, false),
        (Os::Linux, true),
        (Os::OtherUnix, true),
    ];
    for (os, markup) in cases {
        assert_eq!(reads_markup(os), markup, "{os:?}");
    }
}

#[test]
fn only_freedesktop_servers_need_the_open_action_declared() {
    let cases = [
        (Os::Windows, false),
        (Os::MacOs, false),
        (Os::Linux, true),
        (Os::OtherUnix, true),
    ];
    for (os, declared) in cases {
        assert_eq!(declares_open_action(os), declared, "{os:?}");
    }
}

#[test]
fn notifications_carry_the_identity_of_each_os() {
    // (os, installed, process app, app id on each notification, icon)
    let cases = [
        (Os::MacOs, true, Some(APP_IDENTIFIER), None, None),
        (Os::MacOs, false, Some(UNBUNDLED_MACOS_APP), None, None),
        (Os::Windows, true, None, Some(APP_IDENTIFIER), None),
        // An AppUserModelID nobody registered: Windows would drop them.
        (Os::Windows, false, None, None, None),
        (Os::Linux, true, None, None, Some(WINDOW_BINARY)),
        (Os::Linux, false, None, None, Some(WINDOW_BINARY)),
        (Os::OtherUnix, true, None, None, Some(WINDOW_BINARY)),
    ];
    for (os, installed, app, app_id, icon) in cases {
        assert_eq!(
            process_notification_app(os, installed),
            app,
            "{os:?} {installed}"
        );
        assert_eq!(
            notification_app_id(os, installed),
            app_id,
            "{os:?} {installed}"
        );
        assert_eq!(notification_icon(os), icon, "{os:?}");
    }
}

#[test]
fn each_os_registers_start_at_login_for_the_user_only() {
    let cases = [
        (Os::Windows, LoginItem::UserRunKey),
        (Os::MacOs, LoginItem::LaunchAgent),
        (Os::Linux, LoginItem::XdgAutostart),
        (Os::OtherUnix, LoginItem::XdgAutostart),
    ];
    for (os, item) in cases {
        assert_eq!(login_item(os), item, "{os:?}");
    }
    let builder = login_item_builder("BackupBridge", "/opt/bb/backup-bridge-tray");
    // REGRESSION: the default (`Dynamic`) writes the machine's Run key
    // (HKLM, every user) whenever the app runs as an administrator.
    assert_eq!(builder.windows_enable_mode, WindowsEnableMode::CurrentUser);
    assert_eq!(builder.macos_launch_mode, MacOSLaunchMode::LaunchAgent);
    assert_eq!(builder.linux_launch_mode, LinuxLaunchMode::XdgAutostart);
    assert_eq!(builder.args, Some(vec![MINIMIZED_ARG.to_owned()]));
    assert_eq!(
        builder.app_path.as_deref(),
        Some("/opt/bb/backup-bridge-tray")
    );
}

#[test]
fn the_login_item_names_the_appimage_on_linux_only() {
    let exe = "/tmp/.mount_bb/usr/bin/backup-bridge-tray";
    let appimage = "/home/u/BackupBridge.AppImage";
    let image = Some(appimage);
    assert_eq!(login_item_program(Os::Linux, exe, image), appimage);
    assert_eq!(login_item_program(Os::Linux, exe, Some("")), exe);
    assert_eq!(login_item_program(Os::Linux, exe, None), exe);
    for os in [Os::Windows, Os::MacOs, Os::OtherUnix] {
        assert_eq!(login_item_program(os, exe, image), exe, "{os:?}");
    }
}

#[test]
fn a_build_in_cargos_target_folder_is_not_installed() {
    let path = |p: &str| std::path::PathBuf::from(p);
    assert!(in_cargo_target(&path(
        "/src/bb/target/debug/backup-bridge-tray"
    )));
    assert!(in_cargo_target(&path(
        "/src/bb/target/release/backup-bridge-tray"
    )));
    assert!(!in_cargo_target(&path("/usr/bin/backup-bridge-tray")));
    assert!(!in_cargo_target(&path(
        "/Applications/BackupBridge.app/Contents/MacOS/backup-bridge-tray"
    )));
    // The tests themselves run from target/debug/deps.
    assert!(!in_cargo_target(&path("/src/bb/target/debug/deps/x")));
}
