//! `bridge-sim`: runs the ConnectWise and Dashboard simulators standalone,
//! with the demo data (or a ConnectWise seed file), until Ctrl-C.

use std::path::PathBuf;

use anyhow::Context;
use bridge_sim::cw::{self, CwSeed, CwSim};
use bridge_sim::dashboard::{self, DashboardSim};
use clap::Parser;

/// Faithful local simulators of ConnectWise PSA and the Cloud Backup Dashboard.
#[derive(Debug, Parser)]
#[command(name = "bridge-sim", version)]
struct Args {
    /// Port of the ConnectWise simulator (0 = any free port).
    #[arg(long, default_value_t = 0)]
    cw_port: u16,
    /// Port of the Dashboard simulator (0 = any free port).
    #[arg(long, default_value_t = 0)]
    dashboard_port: u16,
    /// ConnectWise seed fixture (JSON); default: the built-in demo data.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let seed = match &args.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the seed file {}", path.display()))?;
            CwSeed::from_json(&text).with_context(|| format!("bad seed file {}", path.display()))?
        }
        None => CwSeed::demo(),
    };
    let company = seed.company_id.clone();
    let cw = CwSim::start_on(seed, &args.host, args.cw_port).await?;
    let dash = DashboardSim::start_on(
        dashboard::DEMO_DASHBOARD_TOKEN,
        &args.host,
        args.dashboard_port,
    )
    .await?;
    dash.set_companies(dashboard::demo_companies());
    dash.set_timeline(dashboard::demo_timeline());

    println!("ConnectWise simulator: {}", cw.base_url());
    println!("  API root:        {}", cw.api_url());
    println!("  company id:      {company}");
    if args.seed.is_none() {
        println!("  clientId:        {}", cw::DEMO_CLIENT_ID);
        println!(
            "  API member keys: {} / {}",
            cw::DEMO_PUBLIC_KEY,
            cw::DEMO_PRIVATE_KEY
        );
        println!(
            "  restricted keys: {} / {} (no tickets.create, no agreements.read)",
            cw::DEMO_RESTRICTED_PUBLIC_KEY,
            cw::DEMO_RESTRICTED_PRIVATE_KEY
        );
        println!(
            "  integrator:      {} / {} (member {})",
            cw::DEMO_INTEGRATOR_USER,
            cw::DEMO_INTEGRATOR_PASSWORD,
            cw::DEMO_MEMBER
        );
    }
    println!("Dashboard simulator:   {}", dash.base_url());
    println!("  bearer token:    {}", dashboard::DEMO_DASHBOARD_TOKEN);
    println!("Press Ctrl-C to stop.");

    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    println!("Stopping.");
    cw.shutdown().await;
    dash.shutdown().await;
    Ok(())
}
