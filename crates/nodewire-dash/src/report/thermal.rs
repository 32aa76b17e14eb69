//! `metrics.thermal` (`Thermal`, `ThermalSensor`, `types.go:280-295`; `collect/thermal.go`).
//!
//! There is no GPU or process section in a report: "gpu" exists only as a sensor kind.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Status;
use crate::Timestamp;

nodewire_common::open_enum! {
    /// What a sensor measures, guessed from its key (`thermalKindRules`).
    #[rename_all = "snake_case"]
    pub enum SensorKind {
        /// CPU package or core (`coretemp`, `k10temp`, `cpu`, `tctl`, `tdie`).
        Cpu,
        /// GPU (`gpu`, `amdgpu`, `radeon`, `nouveau`).
        Gpu,
        /// Chipset (`pch`, `chipset`, `northbridge`, `southbridge`).
        Chipset,
        /// Mainboard (`nct`, `it87`, `asus`, `gigabyte`, `superio`).
        Board,
        /// ACPI thermal zone (`acpi`, `thermal_zone`).
        Acpi,
        /// Anything else.
        Unknown,
    }
}

impl SensorKind {
    /// The agent's classification of a sensor key: the first rule whose term appears in the
    /// lowercased key, checked in the order cpu, gpu, chipset, acpi, board.
    ///
    /// ```
    /// use nodewire_dash::report::SensorKind;
    /// assert_eq!(SensorKind::classify("coretemp_package_id_0"), SensorKind::Cpu);
    /// assert_eq!(SensorKind::classify("acpitz"), SensorKind::Acpi);
    /// assert_eq!(SensorKind::classify("nvme_composite"), SensorKind::Unknown);
    /// ```
    pub fn classify(key: &str) -> Self {
        const RULES: &[(&str, &[&str])] = &[
            ("cpu", &["coretemp", "k10temp", "cpu", "tctl", "tdie"]),
            ("gpu", &["gpu", "amdgpu", "radeon", "nouveau"]),
            ("chipset", &["pch", "chipset", "northbridge", "southbridge"]),
            ("acpi", &["acpi", "thermal_zone"]),
            ("board", &["nct", "it87", "asus", "gigabyte", "superio"]),
        ];
        let key = key.to_lowercase();
        RULES
            .iter()
            .find(|(_, terms)| terms.iter().any(|t| key.contains(t)))
            .map_or(Self::Unknown, |(kind, _)| Self::from(*kind))
    }
}

/// Temperature sensors (`Thermal`).
///
/// Before the first read, and always on macOS, `{"status":"not_found"|"unsupported",
/// "sensors":[]}` without `updated_at`; a failed read is `error`, `timeout` or
/// `no_permission` with `updated_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Thermal {
    /// Collection state.
    pub status: Status,
    /// When the sensors were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// The sensors; `[]` when none.
    pub sensors: Vec<ThermalSensor>,
}

impl Thermal {
    /// The section in collection state `status`, without a read time or sensors.
    pub fn new(status: Status) -> Self {
        Self {
            status,
            updated_at: None,
            sensors: Vec::new(),
        }
    }

    /// The section before any read: `unsupported` on macOS, `not_found` elsewhere
    /// (`defaultThermal`).
    pub fn initial(macos: bool) -> Self {
        Self {
            status: if macos {
                Status::Unsupported
            } else {
                Status::NotFound
            },
            updated_at: None,
            sensors: Vec::new(),
        }
    }
}

/// One sensor (`ThermalSensor`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct ThermalSensor {
    /// What it measures.
    pub kind: SensorKind,
    /// Display name (the sensor key).
    pub name: String,
    /// gopsutil's sensor key (`coretemp_package_id_0`).
    pub sensor_key: String,
    /// Who read it (`gopsutil`).
    pub source: String,
    /// Collection state (`ok`).
    pub status: Status,
    /// Temperature, °C (always set for `ok` sensors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_c: Option<f64>,
    /// High threshold, °C; omitted when the sensor reports 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_c: Option<f64>,
    /// Critical threshold, °C; omitted when the sensor reports 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_c: Option<f64>,
}

impl ThermalSensor {
    /// The sensor `sensor_key` (also its display name), of the kind its key suggests
    /// ([`SensorKind::classify`]), read by `source` in state `status`, without readings.
    ///
    /// ```
    /// use nodewire_dash::report::{SensorKind, Status, ThermalSensor};
    /// let mut s = ThermalSensor::new("coretemp_package_id_0", "gopsutil", Status::Ok);
    /// s.temp_c = Some(41.0);
    /// assert_eq!(s.kind, SensorKind::Cpu);
    /// assert_eq!(s.name, "coretemp_package_id_0");
    /// ```
    pub fn new(sensor_key: impl Into<String>, source: impl Into<String>, status: Status) -> Self {
        let sensor_key = sensor_key.into();
        Self {
            kind: SensorKind::classify(&sensor_key),
            name: sensor_key.clone(),
            sensor_key,
            source: source.into(),
            status,
            temp_c: None,
            high_c: None,
            critical_c: None,
        }
    }
}
