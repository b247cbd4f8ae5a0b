//! PostgreSQL settings from the machine's size and the workload's type: a port of
//! pgtune's formulas.
//!
//! Source: pgtune by Alexey Vasiliev (le0pard/pgtune on GitHub),
//! `src/features/configuration/configurationSlice.js` (the selectors
//! `selectMaxConnections`, `selectSharedBuffers`, `selectEffectiveCacheSize`,
//! `selectMaintenanceWorkMem`, `selectCheckpointSegments`, `selectWalBuffers`,
//! `selectDefaultStatisticsTarget`, `selectRandomPageCost`,
//! `selectEffectiveIoConcurrency`, `selectParallelSettings`, `selectWorkMem`,
//! `selectHugePages`, `selectJit`, `selectWalCompression`, `selectWalLevel`,
//! `selectAutovacuumMaxWorkers`, `selectAutovacuumWorkMem`), for Linux. Memory
//! values are in kB as there, with the same integer flooring.

use serde::Serialize;

const KB: u64 = 1;
const MB: u64 = 1024 * KB;
const GB: u64 = 1024 * MB;

/// pgtune's workload types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum WorkloadType {
    /// Web application: many short queries.
    Web,
    /// Online transaction processing.
    Oltp,
    /// Data warehouse: few long analytic queries.
    Dw,
    /// A developer's desktop.
    Desktop,
    /// Mixed.
    Mixed,
}

/// pgtune's storage types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// Spinning disks.
    Hdd,
    /// SATA/SAS solid-state drives.
    Ssd,
    /// Network storage.
    San,
    /// NVMe drives.
    Nvme,
}

impl std::fmt::Display for WorkloadType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WorkloadType::Web => "web",
            WorkloadType::Oltp => "OLTP",
            WorkloadType::Dw => "data warehouse",
            WorkloadType::Desktop => "desktop",
            WorkloadType::Mixed => "mixed",
        })
    }
}

impl std::fmt::Display for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Storage::Hdd => "HDD",
            Storage::Ssd => "SSD",
            Storage::San => "SAN",
            Storage::Nvme => "NVMe",
        })
    }
}

/// What pgtune asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Machine {
    /// PostgreSQL major version.
    pub version: u32,
    /// Memory for PostgreSQL, in kB.
    pub memory_kb: u64,
    /// CPU cores, if known.
    pub cpus: Option<u32>,
    /// Connections, if known (else pgtune's default for the workload type).
    pub connections: Option<u32>,
    /// Storage.
    pub storage: Storage,
    /// Workload type.
    pub workload: WorkloadType,
}

/// One recommended setting: a number (kB for memory) or a word.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// The `postgresql.conf` name.
    pub name: &'static str,
    /// The value as pgtune prints it (`4GB`, `1.1`, `off`).
    pub value: String,
    /// The value in kB for memory settings, to compare with the server's.
    pub kb: Option<u64>,
}

/// A memory size in kB as pgtune prints it: whole GB, else whole MB, else kB.
///
/// ```
/// assert_eq!(unokit_advisor::tune::format_kb(4 * 1024 * 1024), "4GB");
/// assert_eq!(unokit_advisor::tune::format_kb(20560), "20560kB");
/// ```
pub fn format_kb(kb: u64) -> String {
    if kb.is_multiple_of(GB) {
        format!("{}GB", kb / GB)
    } else if kb.is_multiple_of(MB) {
        format!("{}MB", kb / MB)
    } else {
        format!("{kb}kB")
    }
}

/// pgtune's output for `m`, in its order.
///
/// ```
/// use unokit_advisor::tune::{pgtune, Machine, Storage, WorkloadType};
/// let m = Machine { version: 15, memory_kb: 16 * 1024 * 1024, cpus: Some(4), connections: None, storage: Storage::Ssd, workload: WorkloadType::Web };
/// let s = pgtune(&m);
/// assert_eq!(s.iter().find(|s| s.name == "shared_buffers").unwrap().value, "4GB");
/// ```
pub fn pgtune(m: &Machine) -> Vec<Setting> {
    use WorkloadType::*;
    let t = m.workload;
    let total = m.memory_kb;
    let mut out = Vec::new();
    let mem = |name: &'static str, kb: u64| Setting {
        name,
        value: format_kb(kb),
        kb: Some(kb),
    };
    let word = |name: &'static str, v: String| Setting {
        name,
        value: v,
        kb: None,
    };
    let max_connections = m.connections.unwrap_or(match t {
        Web => 200,
        Oltp => 300,
        Dw => 40,
        Desktop => 20,
        Mixed => 100,
    }) as u64;
    out.push(word("max_connections", max_connections.to_string()));
    let shared_buffers = if t == Desktop { total / 16 } else { total / 4 };
    out.push(mem("shared_buffers", shared_buffers));
    let cache = if t == Desktop {
        total / 4
    } else {
        total * 3 / 4
    };
    out.push(mem("effective_cache_size", cache));
    let maintenance = (if t == Dw { total / 8 } else { total / 16 }).min(8 * GB);
    out.push(mem("maintenance_work_mem", maintenance));
    out.push(word("checkpoint_completion_target", "0.9".into()));
    let mut wal_buffers = (3 * shared_buffers) / 100;
    if wal_buffers > 16 * MB {
        wal_buffers = 16 * MB;
    }
    if wal_buffers > 14 * MB && wal_buffers < 16 * MB {
        wal_buffers = 16 * MB;
    }
    out.push(mem("wal_buffers", wal_buffers.max(32)));
    let stats_target = if t == Dw { 500 } else { 100 };
    out.push(word("default_statistics_target", stats_target.to_string()));
    let random_page_cost = if m.storage == Storage::Hdd {
        "4"
    } else {
        "1.1"
    };
    out.push(word("random_page_cost", random_page_cost.into()));
    let io = match m.storage {
        Storage::Hdd => 2,
        Storage::Ssd => 200,
        Storage::San => 300,
        Storage::Nvme => 1000,
    };
    out.push(word("effective_io_concurrency", io.to_string()));
    // pgtune divides by (connections + worker processes) × 3: each connection
    // may run several sorts and hashes at once.
    let parallel = m.cpus.filter(|c| *c >= 4);
    let workers_for_work_mem = parallel.unwrap_or(8) as f64;
    let work_mem_value =
        (total - shared_buffers) as f64 / ((max_connections as f64 + workers_for_work_mem) * 3.0);
    let work_mem = match t {
        Web | Oltp => work_mem_value,
        Dw | Mixed => work_mem_value / 2.0,
        Desktop => work_mem_value / 6.0,
    }
    .floor() as u64;
    out.push(mem("work_mem", work_mem.max(4 * MB)));
    out.push(word(
        "huge_pages",
        if shared_buffers >= 2 * GB {
            "try"
        } else {
            "off"
        }
        .into(),
    ));
    let (min_wal, max_wal) = match t {
        Web | Mixed => (1024 * MB, 4096 * MB),
        Oltp => (2048 * MB, 8192 * MB),
        Dw => (4096 * MB, 16384 * MB),
        Desktop => (100 * MB, 2048 * MB),
    };
    out.push(mem("min_wal_size", min_wal));
    out.push(mem("max_wal_size", max_wal));
    if let Some(cpus) = parallel {
        let mut per_gather = cpus.div_ceil(2);
        if t != Dw && per_gather > 4 {
            per_gather = 4;
        }
        out.push(word("max_worker_processes", cpus.to_string()));
        out.push(word(
            "max_parallel_workers_per_gather",
            per_gather.to_string(),
        ));
        if m.version >= 10 {
            out.push(word("max_parallel_workers", cpus.to_string()));
        }
        if m.version >= 11 {
            out.push(word(
                "max_parallel_maintenance_workers",
                cpus.div_ceil(2).min(4).to_string(),
            ));
        }
    }
    if t == Desktop {
        out.push(word("wal_level", "minimal".into()));
        out.push(word("max_wal_senders", "0".into()));
    }
    if m.version >= 12 && matches!(t, Web | Oltp | Mixed) {
        out.push(word("jit", "off".into()));
    }
    if m.version >= 15 {
        out.push(word("wal_compression", "lz4".into()));
    } else if m.version >= 10 {
        out.push(word("wal_compression", "on".into()));
    }
    match m.cpus {
        Some(c) if c >= 32 => out.push(word("autovacuum_max_workers", "5".into())),
        Some(c) if c >= 16 => out.push(word("autovacuum_max_workers", "4".into())),
        _ => {}
    }
    if maintenance >= 2 * GB {
        out.push(mem("autovacuum_work_mem", 2 * GB));
    }
    out
}
