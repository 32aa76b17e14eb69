//! Which disks and interfaces a report lists.

use std::collections::BTreeMap;

use crate::collect::DiskCounters;

/// The physical disks to report out of `/proc/diskstats` (see
/// [`proc_diskstats`](crate::collect::proc_diskstats)): whole disks (`is_whole_disk`, on
/// Linux `/sys/block/<name>` exists), and of those only the ones backed by a device
/// (`has_device`, `/sys/block/<name>/device`) when there is at least one.
///
/// ```
/// use std::collections::BTreeMap;
/// use nodewire_dash::collect::{DiskCounters, physical_disks};
///
/// let stats: BTreeMap<String, DiskCounters> = ["vda", "vda1", "dm-0"]
///     .into_iter()
///     .map(|n| (n.to_owned(), DiskCounters::default()))
///     .collect();
/// let disks = physical_disks(stats, |n| n == "vda" || n == "dm-0", |n| n == "vda");
/// assert_eq!(disks.keys().collect::<Vec<_>>(), ["vda"]);
/// ```
pub fn physical_disks(
    stats: BTreeMap<String, DiskCounters>,
    is_whole_disk: impl Fn(&str) -> bool,
    has_device: impl Fn(&str) -> bool,
) -> BTreeMap<String, DiskCounters> {
    let whole: BTreeMap<String, DiskCounters> = stats
        .into_iter()
        .filter(|(name, _)| is_whole_disk(name))
        .collect();
    if whole.keys().any(|name| has_device(name)) {
        whole
            .into_iter()
            .filter(|(name, _)| has_device(name))
            .collect()
    } else {
        whole
    }
}

/// What the interface choice needs to know about one interface.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NicInfo {
    /// The interface name.
    pub name: String,
    /// A physical NIC or a bond, not a bridge (on Linux: `/sys/class/net/<name>` has
    /// `device` or `bonding` and no `bridge`).
    pub physical: bool,
    /// It has at least one IP address.
    pub has_address: bool,
}

impl NicInfo {
    /// Interface `name`, neither physical nor addressed until set.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// The interfaces to report, sorted by name: the `preferred` ones (`--net`) when given;
/// else the physical ones; else, when there is none, every interface with an address whose
/// name does not start with `lo`.
///
/// ```
/// use nodewire_dash::collect::{NicInfo, select_interfaces};
/// let mut eth0 = NicInfo::new("eth0");
/// eth0.has_address = true;
/// let mut lo = NicInfo::new("lo");
/// lo.has_address = true;
/// assert_eq!(select_interfaces(&[lo.clone(), eth0.clone()], &[]), ["eth0"]);
/// assert_eq!(select_interfaces(&[lo, eth0], &["lo".to_owned()]), ["lo"]);
/// ```
pub fn select_interfaces(nics: &[NicInfo], preferred: &[String]) -> Vec<String> {
    let pick = |keep: &dyn Fn(&NicInfo) -> bool| -> Vec<String> {
        nics.iter()
            .filter(|n| keep(n))
            .map(|n| n.name.clone())
            .collect()
    };
    let mut names = if !preferred.is_empty() {
        pick(&|n| preferred.contains(&n.name))
    } else {
        let physical = pick(&|n| n.physical);
        if physical.is_empty() {
            pick(&|n| !n.name.starts_with("lo") && n.has_address)
        } else {
            physical
        }
    };
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nic(name: &str, physical: bool, has_address: bool) -> NicInfo {
        NicInfo {
            name: name.to_owned(),
            physical,
            has_address,
        }
    }

    #[test]
    fn disks_without_devices_fall_back_to_whole_disks() {
        let stats: BTreeMap<String, DiskCounters> = ["vda", "vda1", "dm-0"]
            .into_iter()
            .map(|n| (n.to_owned(), DiskCounters::default()))
            .collect();
        let whole = |n: &str| !n.ends_with('1');
        let all = physical_disks(stats.clone(), whole, |_| false);
        assert_eq!(all.keys().collect::<Vec<_>>(), ["dm-0", "vda"]);
        let backed = physical_disks(stats.clone(), whole, |n| n == "dm-0");
        assert_eq!(backed.keys().collect::<Vec<_>>(), ["dm-0"]);
        // A device that is not a whole disk does not count.
        let partition_only = physical_disks(stats, whole, |n| n == "vda1");
        assert_eq!(partition_only.keys().collect::<Vec<_>>(), ["dm-0", "vda"]);
    }

    #[test]
    fn interface_choice() {
        let nics = [
            nic("lo", false, true),
            nic("wlan0", false, true),
            nic("eth1", true, false),
            nic("eth0", true, true),
            nic("docker0", false, false),
        ];
        assert_eq!(select_interfaces(&nics, &[]), ["eth0", "eth1"]);
        let virtual_only = [
            nic("lo", false, true),
            nic("veth9", false, false),
            nic("ens3", false, true),
        ];
        assert_eq!(select_interfaces(&virtual_only, &[]), ["ens3"]);
        assert_eq!(
            select_interfaces(
                &nics,
                &["wlan0".to_owned(), "lo".to_owned(), "x".to_owned()]
            ),
            ["lo", "wlan0"]
        );
        assert!(select_interfaces(&[], &[]).is_empty());
    }
}
