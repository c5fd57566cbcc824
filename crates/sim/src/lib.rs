//! Faithful local simulators of ConnectWise PSA and the Cloud Backup Dashboard.
