//! The agent's `metrics.NodeReport` and `metrics.Static` as Go types (contract §2-§3), for
//! the [`server`](crate::server)'s Go-faithful decoding: which keys are struct fields,
//! and which fields are pointers, slices, integers or floats.

use crate::Timestamp;
use nodewire_common::go_json::Shape::{self, Bool, Float, Int, String as Str, Uint};

/// `time.Time`'s `UnmarshalJSON` (Go 1.26 `parseStrictRFC3339`) onto [`Timestamp`]: text
/// [`Timestamp::new`] takes is kept as sent; the forms Go also takes are held as Go holds
/// them, in [`Timestamp`]'s form: a one-digit hour (`T7:53:57Z`), a comma before the
/// fraction (`57,5Z`), and more than nine fractional digits (cut to nine, as Go does).
/// Offsets of 24 hours or more, which Go's parser takes and its `MarshalJSON` then refuses,
/// are refused.
fn time(text: &str) -> Result<String, String> {
    let first = match Timestamp::new(text) {
        Ok(_) => return Ok(text.to_owned()),
        Err(e) => e.to_string(),
    };
    let mut go = text.to_owned();
    // A one-digit hour: `…T7:`.
    if go
        .get(11..12)
        .is_some_and(|h| h.bytes().all(|b| b.is_ascii_digit()))
        && go.get(12..13) == Some(":")
        && go.get(10..11) == Some("T")
    {
        go.insert(11, '0');
    }
    // A comma before the fraction.
    if go.get(19..20) == Some(",") {
        go.replace_range(19..20, ".");
    }
    // More than nine fractional digits.
    if go.get(19..20) == Some(".") {
        let digits = go
            .get(20..)
            .unwrap_or_default()
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits > 9 {
            go.replace_range(29..20 + digits, "");
        }
    }
    match Timestamp::new(go.as_str()) {
        Ok(_) if go != text => Ok(go),
        _ => Err(first),
    }
}

fn st(fields: Vec<(&'static str, Shape)>) -> Shape {
    Shape::Struct(fields)
}

fn ptr(shape: Shape) -> Shape {
    Shape::Ptr(Box::new(shape))
}

fn slice(shape: Shape) -> Shape {
    Shape::Slice(Box::new(shape))
}

fn strings(names: &[&'static str]) -> Vec<(&'static str, Shape)> {
    names.iter().map(|n| (*n, Str)).collect()
}

fn with(
    mut a: Vec<(&'static str, Shape)>,
    b: Vec<(&'static str, Shape)>,
) -> Vec<(&'static str, Shape)> {
    a.extend(b);
    a
}

/// `DiskIO`, embedded in `DiskPhysical`.
fn disk_io() -> Vec<(&'static str, Shape)> {
    vec![
        ("read_bytes", Uint),
        ("write_bytes", Uint),
        ("read_rate_bytes_per_sec", Float),
        ("write_rate_bytes_per_sec", Float),
        ("iops", Float),
        ("read_iops", Float),
        ("write_iops", Float),
        ("util_ratio", Float),
        ("queue_length", Float),
        ("wait_ms", Float),
        ("service_ms", Float),
    ]
}

fn pressure_resource() -> Shape {
    let stats = || {
        ptr(st(vec![
            ("avg10", Float),
            ("avg60", Float),
            ("avg300", Float),
            ("total", Uint),
        ]))
    };
    st(vec![("status", Str), ("some", stats()), ("full", stats())])
}

fn disk() -> Shape {
    let physical = st(with(strings(&["name", "device_path", "ref"]), disk_io()));
    let logical = st(with(
        strings(&["kind", "name", "device_path", "ref"]),
        vec![
            ("used", Uint),
            ("free", Uint),
            ("used_ratio", Float),
            ("health", Str),
        ],
    ));
    let filesystem = st(with(
        strings(&["path", "device", "mountpoint"]),
        vec![
            ("used", Uint),
            ("free", Uint),
            ("used_ratio", Float),
            ("inodes_used", Uint),
            ("inodes_free", Uint),
            ("inodes_used_ratio", Float),
        ],
    ));
    let base_io = st(with(
        strings(&["kind", "name", "device_path", "ref"]),
        vec![
            ("read_bytes", Uint),
            ("write_bytes", Uint),
            ("read_rate_bytes_per_sec", Float),
            ("write_rate_bytes_per_sec", Float),
            ("read_iops", Float),
            ("write_iops", Float),
            ("iops", Float),
            ("util_ratio", Float),
            ("queue_length", Float),
            ("wait_ms", Float),
            ("service_ms", Float),
        ],
    ));
    let attr = st(vec![("id", Int), ("name", Str), ("when_failed", Str)]);
    let device = st(with(
        strings(&[
            "ref",
            "name",
            "device_path",
            "device_type",
            "protocol",
            "model",
            "serial",
            "wwn",
            "source",
            "status",
        ]),
        vec![
            ("exit_status", ptr(Int)),
            ("health", ptr(Str)),
            ("temp_c", ptr(Float)),
            ("power_on_hours", ptr(Uint)),
            ("lifetime_used_percent", ptr(Float)),
            ("critical_warning", ptr(Uint)),
            ("failing_attrs", slice(attr)),
        ],
    ));
    let smart = st(vec![
        ("status", Str),
        ("updated_at", ptr(Shape::Text(time))),
        ("ttl_seconds", Int),
        ("devices", slice(device)),
    ]);
    st(vec![
        ("physical", slice(physical)),
        ("logical", slice(logical)),
        ("filesystems", slice(filesystem)),
        ("base_io", slice(base_io)),
        ("smart", smart),
    ])
}

fn snapshot() -> Shape {
    let cpu = st(vec![
        ("usage_ratio", Float),
        ("load1", Float),
        ("load5", Float),
        ("load15", Float),
        (
            "times",
            st(["user", "system", "idle", "iowait", "steal"]
                .iter()
                .map(|n| (*n, Float))
                .collect()),
        ),
    ]);
    let memory = st(vec![
        ("used", Uint),
        ("available", Uint),
        ("buffers", Uint),
        ("cached", Uint),
        ("used_ratio", Float),
        ("swap_used", Uint),
        ("swap_free", Uint),
        ("swap_used_ratio", Float),
    ]);
    let net = st(vec![
        ("name", Str),
        ("bytes_recv", Uint),
        ("bytes_sent", Uint),
        ("recv_rate_bytes_per_sec", Float),
        ("sent_rate_bytes_per_sec", Float),
        ("packets_recv", Uint),
        ("packets_sent", Uint),
        ("recv_rate_packets_per_sec", Float),
        ("sent_rate_packets_per_sec", Float),
        ("err_in", Uint),
        ("err_out", Uint),
        ("drop_in", Uint),
        ("drop_out", Uint),
    ]);
    let member = st(strings(&["name", "state"]));
    let array = st(vec![
        ("name", Str),
        ("status", Str),
        ("active", Int),
        ("working", Int),
        ("failed", Int),
        ("health", Str),
        ("members", slice(member)),
        ("sync_status", Str),
        ("sync_progress", Str),
    ]);
    let sensor = st(with(
        strings(&["kind", "name", "sensor_key", "source", "status"]),
        vec![
            ("temp_c", ptr(Float)),
            ("high_c", ptr(Float)),
            ("critical_c", ptr(Float)),
        ],
    ));
    st(vec![
        ("cpu", cpu),
        ("memory", memory),
        ("disk", disk()),
        ("network", slice(net)),
        (
            "system",
            st(vec![
                ("alive", Bool),
                ("uptime_seconds", Uint),
                ("uptime", Str),
            ]),
        ),
        ("processes", st(vec![("process_count", Int)])),
        (
            "connections",
            st(vec![("tcp_count", Int), ("udp_count", Int)]),
        ),
        (
            "pressure",
            st(vec![
                ("cpu", pressure_resource()),
                ("memory", pressure_resource()),
                ("io", pressure_resource()),
            ]),
        ),
        (
            "raid",
            st(vec![
                ("supported", Bool),
                ("available", Bool),
                ("arrays", slice(array)),
            ]),
        ),
        (
            "thermal",
            st(vec![
                ("status", Str),
                ("updated_at", ptr(Shape::Text(time))),
                ("sensors", slice(sensor)),
            ]),
        ),
    ])
}

/// `metrics.NodeReport` (`types.go:310-315`).
pub(crate) fn node_report() -> Shape {
    st(vec![
        ("version", Str),
        ("hostname", Str),
        ("timestamp", Shape::Text(time)),
        ("metrics", ptr(snapshot())),
    ])
}

/// `metrics.Static` (`static_types.go:90-99`).
pub(crate) fn static_info() -> Shape {
    let info = st(vec![
        ("model_name", Str),
        ("vendor_id", Str),
        ("sockets", Int),
        ("cores_physical", Int),
        ("cores_logical", Int),
        ("frequency_mhz", Float),
    ]);
    let logical = st(with(
        strings(&["kind", "name", "device_path", "ref"]),
        vec![
            ("total", Uint),
            ("mountpoint", Str),
            ("fs_type", Str),
            ("devices", slice(Str)),
        ],
    ));
    let filesystem = st(with(
        strings(&["path", "device", "mountpoint"]),
        vec![("total", Uint), ("fs_type", Str), ("inodes_total", Uint)],
    ));
    let array = st(vec![
        ("name", Str),
        ("level", Str),
        ("devices", Int),
        ("members", slice(st(strings(&["name"])))),
    ]);
    st(vec![
        ("version", Str),
        ("timestamp", Shape::Text(time)),
        ("report_interval_seconds", Int),
        ("cpu", st(vec![("info", info)])),
        ("memory", st(vec![("total", Uint), ("swap_total", Uint)])),
        (
            "disk",
            st(vec![
                (
                    "physical",
                    slice(st(strings(&["name", "device_path", "ref"]))),
                ),
                ("logical", slice(logical)),
                ("filesystems", slice(filesystem)),
                (
                    "base_io",
                    slice(st(strings(&["kind", "name", "device_path", "ref", "role"]))),
                ),
            ]),
        ),
        (
            "system",
            st(strings(&[
                "hostname",
                "os",
                "platform",
                "platform_version",
                "kernel_version",
                "arch",
            ])),
        ),
        (
            "raid",
            st(vec![
                ("supported", Bool),
                ("available", Bool),
                ("arrays", slice(array)),
            ]),
        ),
    ])
}
