//! pgtune's formulas on several machine sizes and workload types. Each expected
//! value was computed by hand from pgtune's formulas (le0pard/pgtune,
//! src/features/configuration/configurationSlice.js), the arithmetic written
//! beside it; the 4 GB / 9 999-connection and 256 GB dw cases are pgtune's own
//! test cases (configurationSlice.test.js).

use unokit_advisor::tune::{Machine, Storage, WorkloadType, pgtune};

const GB: u64 = 1024 * 1024;

fn run(m: Machine) -> Vec<(String, String)> {
    pgtune(&m)
        .into_iter()
        .map(|s| (s.name.to_owned(), s.value))
        .collect()
}

fn check(m: Machine, expected: &[(&str, &str)]) {
    let got = run(m);
    for (k, v) in expected {
        let found = got.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(found, Some(*v), "{k} for {m:?}");
    }
}

fn absent(m: Machine, names: &[&str]) {
    let got = run(m);
    for n in names {
        assert!(
            !got.iter().any(|(k, _)| k == n),
            "{n} should not be set for {m:?}"
        );
    }
}

#[test]
fn web_16gb_4_cpus_ssd() {
    let m = Machine {
        version: 15,
        memory_kb: 16 * GB,
        cpus: Some(4),
        connections: None,
        storage: Storage::Ssd,
        workload: WorkloadType::Web,
    };
    check(
        m,
        &[
            ("max_connections", "200"),
            ("shared_buffers", "4GB"),        // 16 GB / 4
            ("effective_cache_size", "12GB"), // 16 GB × 3/4
            ("maintenance_work_mem", "1GB"),  // 16 GB / 16
            ("wal_buffers", "16MB"),          // 3 % of 4 GB, capped at 16 MB
            ("work_mem", "20560kB"),          // (16 GB − 4 GB) / ((200 + 4) × 3) = 20560.3
            ("random_page_cost", "1.1"),
            ("effective_io_concurrency", "200"),
            ("huge_pages", "try"), // shared_buffers ≥ 2 GB
            ("min_wal_size", "1GB"),
            ("max_wal_size", "4GB"),
            ("max_worker_processes", "4"),
            ("max_parallel_workers_per_gather", "2"), // ⌈4 / 2⌉
            ("max_parallel_workers", "4"),
            ("max_parallel_maintenance_workers", "2"),
            ("jit", "off"),
            ("wal_compression", "lz4"),
            ("default_statistics_target", "100"),
            ("checkpoint_completion_target", "0.9"),
        ],
    );
    absent(
        m,
        &["autovacuum_max_workers", "autovacuum_work_mem", "wal_level"],
    );
}

#[test]
fn oltp_64gb_16_cpus_nvme_500_connections() {
    let m = Machine {
        version: 16,
        memory_kb: 64 * GB,
        cpus: Some(16),
        connections: Some(500),
        storage: Storage::Nvme,
        workload: WorkloadType::Oltp,
    };
    check(
        m,
        &[
            ("max_connections", "500"),
            ("shared_buffers", "16GB"),
            ("effective_cache_size", "48GB"),
            ("maintenance_work_mem", "4GB"),
            ("work_mem", "32513kB"), // (64 GB − 16 GB) / ((500 + 16) × 3) = 32513.98
            ("effective_io_concurrency", "1000"),
            ("min_wal_size", "2GB"),
            ("max_wal_size", "8GB"),
            ("max_parallel_workers_per_gather", "4"), // ⌈16 / 2⌉ = 8, capped at 4 outside dw
            ("max_parallel_maintenance_workers", "4"),
            ("autovacuum_max_workers", "4"), // ≥ 16 cores
            ("autovacuum_work_mem", "2GB"),  // maintenance_work_mem ≥ 2 GB
            ("jit", "off"),
        ],
    );
}

#[test]
fn dw_256gb_32_cpus_hdd() {
    let m = Machine {
        version: 15,
        memory_kb: 256 * GB,
        cpus: Some(32),
        connections: None,
        storage: Storage::Hdd,
        workload: WorkloadType::Dw,
    };
    check(
        m,
        &[
            ("max_connections", "40"),
            ("shared_buffers", "64GB"),
            ("effective_cache_size", "192GB"),
            ("maintenance_work_mem", "8GB"), // 256 GB / 8 = 32 GB, capped at 8 GB (pgtune's test)
            ("work_mem", "466033kB"),        // (256 GB − 64 GB) / ((40 + 32) × 3) / 2 = 466033.8
            ("random_page_cost", "4"),
            ("effective_io_concurrency", "2"),
            ("default_statistics_target", "500"),
            ("min_wal_size", "4GB"),
            ("max_wal_size", "16GB"),
            ("max_parallel_workers_per_gather", "16"), // not capped for dw
            ("autovacuum_max_workers", "5"),
            ("autovacuum_work_mem", "2GB"),
        ],
    );
    absent(m, &["jit"]);
}

#[test]
fn desktop_2gb_2_cpus() {
    let m = Machine {
        version: 15,
        memory_kb: 2 * GB,
        cpus: Some(2),
        connections: None,
        storage: Storage::Ssd,
        workload: WorkloadType::Desktop,
    };
    check(
        m,
        &[
            ("max_connections", "20"),
            ("shared_buffers", "128MB"),       // 2 GB / 16
            ("effective_cache_size", "512MB"), // 2 GB / 4
            ("maintenance_work_mem", "128MB"),
            ("wal_buffers", "3932kB"), // 3 % of 131072 kB
            ("work_mem", "4MB"), // (2 GB − 128 MB) / ((20 + 8) × 3) / 6 = 3900.9, floored to 4 MB
            ("huge_pages", "off"),
            ("min_wal_size", "100MB"),
            ("max_wal_size", "2GB"),
            ("wal_level", "minimal"),
            ("max_wal_senders", "0"),
        ],
    );
    absent(m, &["max_worker_processes", "jit"]); // fewer than 4 cores: no parallel settings
}

#[test]
fn mixed_8gb_8_cpus_san_and_pgtunes_own_cases() {
    let m = Machine {
        version: 14,
        memory_kb: 8 * GB,
        cpus: Some(8),
        connections: None,
        storage: Storage::San,
        workload: WorkloadType::Mixed,
    };
    check(
        m,
        &[
            ("max_connections", "100"),
            ("shared_buffers", "2GB"),
            ("effective_cache_size", "6GB"),
            ("maintenance_work_mem", "512MB"),
            ("work_mem", "9709kB"), // (8 GB − 2 GB) / ((100 + 8) × 3) / 2 = 9709.0
            ("effective_io_concurrency", "300"),
            ("huge_pages", "try"),
            ("wal_compression", "on"), // before 15: pglz
        ],
    );
    // pgtune's test: 4 GB, 9 999 connections, 4 cores → work_mem floored to 4 MB.
    let m = Machine {
        version: 15,
        memory_kb: 4 * GB,
        cpus: Some(4),
        connections: Some(9999),
        storage: Storage::Ssd,
        workload: WorkloadType::Web,
    };
    check(m, &[("work_mem", "4MB"), ("huge_pages", "off")]);
    // pgtune's test: 16 GB web → maintenance_work_mem 1 GB.
    let m = Machine {
        version: 15,
        memory_kb: 16 * GB,
        cpus: None,
        connections: None,
        storage: Storage::Ssd,
        workload: WorkloadType::Web,
    };
    check(
        m,
        &[("maintenance_work_mem", "1GB"), ("work_mem", "20164kB")],
    ); // 12 GB / ((200 + 8) × 3) = 20164.9
}
