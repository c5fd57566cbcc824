; BackupBridge's additions to Tauri's NSIS installer (the .exe), named by
; src-tauri/tauri.bundle.json. The installer is per user (no admin prompt):
; the app goes to %LOCALAPPDATA%\BackupBridge.

; The tray process (backup-bridge-tray.exe) runs all day from the install
; folder, and a running executable can be neither replaced nor deleted.
; Tauri's installer checks the window's executable only, so the tray's is
; checked too: the user is asked to let the installer close it.
!macro NSIS_HOOK_PREINSTALL
  !insertmacro CheckIfAppIsRunning "$INSTDIR\backup-bridge-tray.exe" "${PRODUCTNAME}"
!macroend

!macro NSIS_HOOK_PREUNINSTALL
  !insertmacro CheckIfAppIsRunning "$INSTDIR\backup-bridge-tray.exe" "${PRODUCTNAME}"
!macroend

; Uninstalling keeps the data folder (database, logs) unless the user ticks
; the uninstaller's "Delete the application data" box (unticked by default).
; Tauri's box removes only the web view's folders, named after the bundle id;
; BackupBridge's data folder is %APPDATA%\BackupBridge (bridge_base::paths).
; Secrets stay in the Windows Credential Manager either way.
!macro NSIS_HOOK_POSTUNINSTALL
  ${If} $DeleteAppDataCheckboxState = 1
  ${AndIf} $UpdateMode <> 1
    SetShellVarContext current
    RmDir /r "$APPDATA\BackupBridge"
  ${EndIf}
!macroend
