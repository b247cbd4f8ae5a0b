//! `unokit-advisor`: plan findings, verified index suggestions and PostgreSQL
//! configuration advice for a database and a workload file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unokit_advisor::tune::{Storage, WorkloadType};
use unokit_advisor::{
    ConfigInput, Database, ExplainOptions, Progress, ReportOptions, SuggestOptions,
    build_report_with_progress, read_workload,
};

/// Query plan findings, planner-verified index suggestions and PostgreSQL
/// configuration advice. Writes nothing to the database.
#[derive(Debug, Parser)]
#[command(name = "unokit-advisor", version)]
struct Args {
    /// sqlite://PATH or postgres://USER@HOST:PORT/DB
    #[arg(long)]
    database_url: String,
    /// Workload file: one statement a line, plain SQL or {"sql": "...", "binds": [...], "count": N}
    #[arg(long)]
    workload: Option<PathBuf>,
    /// Print the report as JSON instead of text
    #[arg(long)]
    json: bool,
    /// Also write the report as a self-contained HTML page to this file
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// PostgreSQL: run each statement (EXPLAIN ANALYZE) inside a rolled-back transaction
    #[arg(long)]
    analyze: bool,
    /// Seconds to wait for a connection
    #[arg(long, default_value_t = 10)]
    connect_timeout: u64,
    /// PostgreSQL: never use hypopg; build candidate indexes in a rolled-back transaction
    #[arg(long)]
    no_hypopg: bool,
    /// Server memory for the configuration advice, e.g. 16GB or 512MB (default: this machine's)
    #[arg(long)]
    memory: Option<String>,
    /// Server cores (default: this machine's)
    #[arg(long)]
    cpus: Option<u32>,
    /// Server storage
    #[arg(long, value_enum, default_value_t = Storage::Ssd)]
    storage: Storage,
    /// Workload type, as pgtune names them
    #[arg(long, value_enum, default_value_t = WorkloadType::Web)]
    workload_type: WorkloadType,
    /// An application connection pool's size (repeat for each pool)
    #[arg(long = "pool", value_name = "N")]
    pools: Vec<u32>,
}

fn parse_memory(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("--memory `{text}`: expected a number and a unit, like 16GB"))?;
    let factor = match unit.trim().to_ascii_uppercase().as_str() {
        "GB" | "G" => 1024 * 1024,
        "MB" | "M" => 1024,
        "TB" | "T" => 1024 * 1024 * 1024,
        _ => return Err(format!("--memory `{text}`: the unit must be MB, GB or TB")),
    };
    Ok(n * factor)
}

async fn run(args: Args) -> Result<(), String> {
    let memory_kb = args.memory.as_deref().map(parse_memory).transpose()?;
    let workload = match &args.workload {
        Some(p) => read_workload(p).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    let db = Database::connect(
        &args.database_url,
        Duration::from_secs(args.connect_timeout),
    )
    .await
    .map_err(|e| e.to_string())?;
    let options = ReportOptions {
        explain: ExplainOptions {
            analyze: args.analyze,
            ..ExplainOptions::default()
        },
        suggest: SuggestOptions {
            hypothetical: !args.no_hypopg,
            ..SuggestOptions::default()
        },
        config: ConfigInput {
            memory_kb,
            cpus: args.cpus,
            storage: Some(args.storage),
            workload: Some(args.workload_type),
            pools: args.pools.clone(),
        },
    };
    // Drawn on stderr only when it is a terminal: hidden in pipes and tests.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} {msg}")
            .expect("a valid template"),
    );
    let on_progress = |p: Progress| match p {
        Progress::Planned { done, total } => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message("statements planned");
        }
        Progress::Verifying => bar.set_message("trying index candidates"),
        Progress::Configuration => bar.set_message("reading the configuration"),
    };
    let report =
        build_report_with_progress(&db, &args.database_url, &workload, &options, &on_progress)
            .await;
    bar.finish_and_clear();
    let report = report.map_err(|e| e.to_string())?;
    if let Some(path) = &args.html {
        std::fs::write(path, report.to_html()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // The one place the advisor talks to stderr: its error, for the person at the terminal.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("unokit-advisor: error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}
