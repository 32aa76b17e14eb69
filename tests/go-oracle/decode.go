package main

// Mode "decode": what encoding/json does with a request body decoded into the Go struct a
// NodePass master or a Dash uses for it. The structs are written from the contracts
// (contracts/nodepass.md §3 rows 2, 5, 9 and §5; contracts/dash.md §2-§3), with the fields
// and Go types the contracts give.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"time"
)

// NodePass master request bodies (v2 rest.go).

type npCreate struct {
	Alias string `json:"alias"`
	URL   string `json:"url"`
}

type npPut struct {
	URL string `json:"url"`
}

type npInfo struct {
	Alias string `json:"alias"`
}

type npPeer struct {
	SID   string `json:"sid"`
	Type  string `json:"type"`
	Alias string `json:"alias"`
}

type npPatch struct {
	Alias   string `json:"alias,omitempty"`
	Action  string `json:"action,omitempty"`
	Restart *bool  `json:"restart,omitempty"`
	Meta    *struct {
		Peer *npPeer           `json:"peer,omitempty"`
		Tags map[string]string `json:"tags,omitempty"`
	} `json:"meta,omitempty"`
}

// npPatchView is npPatch without omitempty, so that the answer tells an absent pointer or
// map (null) from an empty one.
type npPatchView struct {
	Alias   string `json:"alias"`
	Action  string `json:"action"`
	Restart *bool  `json:"restart"`
	Meta    *struct {
		Peer *npPeer           `json:"peer"`
		Tags map[string]string `json:"tags"`
	} `json:"meta"`
}

// Ithiltir-node metrics.NodeReport (contracts/dash.md §2).

type cpuTimes struct {
	User   float64 `json:"user"`
	System float64 `json:"system"`
	Idle   float64 `json:"idle"`
	Iowait float64 `json:"iowait"`
	Steal  float64 `json:"steal"`
}

type cpu struct {
	UsageRatio float64  `json:"usage_ratio"`
	Load1      float64  `json:"load1"`
	Load5      float64  `json:"load5"`
	Load15     float64  `json:"load15"`
	Times      cpuTimes `json:"times"`
}

type memory struct {
	Used          uint64  `json:"used"`
	Available     uint64  `json:"available"`
	Buffers       uint64  `json:"buffers"`
	Cached        uint64  `json:"cached"`
	UsedRatio     float64 `json:"used_ratio"`
	SwapUsed      uint64  `json:"swap_used"`
	SwapFree      uint64  `json:"swap_free"`
	SwapUsedRatio float64 `json:"swap_used_ratio"`
}

type diskIO struct {
	ReadBytes            uint64  `json:"read_bytes"`
	WriteBytes           uint64  `json:"write_bytes"`
	ReadRateBytesPerSec  float64 `json:"read_rate_bytes_per_sec"`
	WriteRateBytesPerSec float64 `json:"write_rate_bytes_per_sec"`
	IOPS                 float64 `json:"iops"`
	ReadIOPS             float64 `json:"read_iops"`
	WriteIOPS            float64 `json:"write_iops"`
	UtilRatio            float64 `json:"util_ratio"`
	QueueLength          float64 `json:"queue_length"`
	WaitMs               float64 `json:"wait_ms"`
	ServiceMs            float64 `json:"service_ms"`
}

type diskPhysical struct {
	Name       string `json:"name"`
	DevicePath string `json:"device_path,omitempty"`
	Ref        string `json:"ref,omitempty"`
	diskIO
}

type diskLogical struct {
	Kind       string  `json:"kind"`
	Name       string  `json:"name"`
	DevicePath string  `json:"device_path,omitempty"`
	Ref        string  `json:"ref,omitempty"`
	Used       uint64  `json:"used"`
	Free       uint64  `json:"free"`
	UsedRatio  float64 `json:"used_ratio"`
	Health     string  `json:"health,omitempty"`
}

type diskFilesystem struct {
	Path            string  `json:"path"`
	Device          string  `json:"device,omitempty"`
	Mountpoint      string  `json:"mountpoint,omitempty"`
	Used            uint64  `json:"used"`
	Free            uint64  `json:"free"`
	UsedRatio       float64 `json:"used_ratio"`
	InodesUsed      uint64  `json:"inodes_used"`
	InodesFree      uint64  `json:"inodes_free"`
	InodesUsedRatio float64 `json:"inodes_used_ratio"`
}

type diskBaseIO struct {
	Kind                 string  `json:"kind"`
	Name                 string  `json:"name"`
	DevicePath           string  `json:"device_path,omitempty"`
	Ref                  string  `json:"ref,omitempty"`
	ReadBytes            uint64  `json:"read_bytes,omitempty"`
	WriteBytes           uint64  `json:"write_bytes,omitempty"`
	ReadRateBytesPerSec  float64 `json:"read_rate_bytes_per_sec"`
	WriteRateBytesPerSec float64 `json:"write_rate_bytes_per_sec"`
	ReadIOPS             float64 `json:"read_iops"`
	WriteIOPS            float64 `json:"write_iops"`
	IOPS                 float64 `json:"iops"`
	UtilRatio            float64 `json:"util_ratio,omitempty"`
	QueueLength          float64 `json:"queue_length,omitempty"`
	WaitMs               float64 `json:"wait_ms,omitempty"`
	ServiceMs            float64 `json:"service_ms,omitempty"`
}

type smartAttr struct {
	ID         int    `json:"id,omitempty"`
	Name       string `json:"name"`
	WhenFailed string `json:"when_failed"`
}

type smartDevice struct {
	Ref                 string      `json:"ref,omitempty"`
	Name                string      `json:"name"`
	DevicePath          string      `json:"device_path,omitempty"`
	DeviceType          string      `json:"device_type,omitempty"`
	Protocol            string      `json:"protocol,omitempty"`
	Model               string      `json:"model,omitempty"`
	Serial              string      `json:"serial,omitempty"`
	WWN                 string      `json:"wwn,omitempty"`
	Source              string      `json:"source"`
	Status              string      `json:"status"`
	ExitStatus          *int        `json:"exit_status,omitempty"`
	Health              *string     `json:"health,omitempty"`
	TempC               *float64    `json:"temp_c,omitempty"`
	PowerOnHours        *uint64     `json:"power_on_hours,omitempty"`
	LifetimeUsedPercent *float64    `json:"lifetime_used_percent,omitempty"`
	CriticalWarning     *uint64     `json:"critical_warning,omitempty"`
	FailingAttrs        []smartAttr `json:"failing_attrs,omitempty"`
}

type diskSmart struct {
	Status     string        `json:"status"`
	UpdatedAt  *time.Time    `json:"updated_at,omitempty"`
	TTLSeconds int           `json:"ttl_seconds,omitempty"`
	Devices    []smartDevice `json:"devices"`
}

type disk struct {
	Physical    []diskPhysical   `json:"physical"`
	Logical     []diskLogical    `json:"logical"`
	Filesystems []diskFilesystem `json:"filesystems"`
	BaseIO      []diskBaseIO     `json:"base_io"`
	Smart       diskSmart        `json:"smart"`
}

type netIO struct {
	Name                  string  `json:"name"`
	BytesRecv             uint64  `json:"bytes_recv"`
	BytesSent             uint64  `json:"bytes_sent"`
	RecvRateBytesPerSec   float64 `json:"recv_rate_bytes_per_sec"`
	SentRateBytesPerSec   float64 `json:"sent_rate_bytes_per_sec"`
	PacketsRecv           uint64  `json:"packets_recv"`
	PacketsSent           uint64  `json:"packets_sent"`
	RecvRatePacketsPerSec float64 `json:"recv_rate_packets_per_sec"`
	SentRatePacketsPerSec float64 `json:"sent_rate_packets_per_sec"`
	ErrIn                 uint64  `json:"err_in"`
	ErrOut                uint64  `json:"err_out"`
	DropIn                uint64  `json:"drop_in"`
	DropOut               uint64  `json:"drop_out"`
}

type system struct {
	Alive         bool   `json:"alive"`
	UptimeSeconds uint64 `json:"uptime_seconds"`
	Uptime        string `json:"uptime"`
}

type processes struct {
	ProcessCount int `json:"process_count"`
}

type connections struct {
	TCPCount int `json:"tcp_count"`
	UDPCount int `json:"udp_count"`
}

type pressureStats struct {
	Avg10  float64 `json:"avg10"`
	Avg60  float64 `json:"avg60"`
	Avg300 float64 `json:"avg300"`
	Total  uint64  `json:"total"`
}

type pressureResource struct {
	Status string         `json:"status"`
	Some   *pressureStats `json:"some,omitempty"`
	Full   *pressureStats `json:"full,omitempty"`
}

type pressure struct {
	CPU    pressureResource `json:"cpu"`
	Memory pressureResource `json:"memory"`
	IO     pressureResource `json:"io"`
}

type raidMember struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

type raidArray struct {
	Name         string       `json:"name"`
	Status       string       `json:"status"`
	Active       int          `json:"active"`
	Working      int          `json:"working"`
	Failed       int          `json:"failed"`
	Health       string       `json:"health"`
	Members      []raidMember `json:"members"`
	SyncStatus   string       `json:"sync_status,omitempty"`
	SyncProgress string       `json:"sync_progress,omitempty"`
}

type raid struct {
	Supported bool        `json:"supported"`
	Available bool        `json:"available"`
	Arrays    []raidArray `json:"arrays"`
}

type thermalSensor struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	SensorKey string   `json:"sensor_key"`
	Source    string   `json:"source"`
	Status    string   `json:"status"`
	TempC     *float64 `json:"temp_c,omitempty"`
	HighC     *float64 `json:"high_c,omitempty"`
	CriticalC *float64 `json:"critical_c,omitempty"`
}

type thermal struct {
	Status    string          `json:"status"`
	UpdatedAt *time.Time      `json:"updated_at,omitempty"`
	Sensors   []thermalSensor `json:"sensors"`
}

type snapshot struct {
	CPU         cpu         `json:"cpu"`
	Memory      memory      `json:"memory"`
	Disk        disk        `json:"disk"`
	Network     []netIO     `json:"network"`
	System      system      `json:"system"`
	Processes   processes   `json:"processes"`
	Connections connections `json:"connections"`
	Pressure    pressure    `json:"pressure"`
	Raid        raid        `json:"raid"`
	Thermal     thermal     `json:"thermal"`
}

type nodeReport struct {
	Version   string    `json:"version"`
	Hostname  string    `json:"hostname"`
	Timestamp time.Time `json:"timestamp"`
	Metrics   *snapshot `json:"metrics"`
}

// Ithiltir-node metrics.Static (contracts/dash.md §3).

type staticCPUInfo struct {
	ModelName     string  `json:"model_name"`
	VendorID      string  `json:"vendor_id"`
	Sockets       int     `json:"sockets"`
	CoresPhysical int     `json:"cores_physical"`
	CoresLogical  int     `json:"cores_logical"`
	FrequencyMhz  float64 `json:"frequency_mhz"`
}

type staticCPU struct {
	Info staticCPUInfo `json:"info"`
}

type staticMemory struct {
	Total     uint64 `json:"total"`
	SwapTotal uint64 `json:"swap_total"`
}

type staticDiskPhysical struct {
	Name       string `json:"name"`
	DevicePath string `json:"device_path,omitempty"`
	Ref        string `json:"ref,omitempty"`
}

type staticDiskLogical struct {
	Kind       string   `json:"kind"`
	Name       string   `json:"name"`
	DevicePath string   `json:"device_path,omitempty"`
	Ref        string   `json:"ref,omitempty"`
	Total      uint64   `json:"total,omitempty"`
	Mountpoint string   `json:"mountpoint,omitempty"`
	FsType     string   `json:"fs_type,omitempty"`
	Devices    []string `json:"devices,omitempty"`
}

type staticDiskFilesystem struct {
	Path        string `json:"path"`
	Device      string `json:"device,omitempty"`
	Mountpoint  string `json:"mountpoint,omitempty"`
	Total       uint64 `json:"total"`
	FsType      string `json:"fs_type"`
	InodesTotal uint64 `json:"inodes_total"`
}

type staticDiskBaseIO struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	DevicePath string `json:"device_path,omitempty"`
	Ref        string `json:"ref,omitempty"`
	Role       string `json:"role,omitempty"`
}

type staticDisk struct {
	Physical    []staticDiskPhysical   `json:"physical"`
	Logical     []staticDiskLogical    `json:"logical"`
	Filesystems []staticDiskFilesystem `json:"filesystems"`
	BaseIO      []staticDiskBaseIO     `json:"base_io"`
}

type staticSystem struct {
	Hostname        string `json:"hostname"`
	OS              string `json:"os"`
	Platform        string `json:"platform"`
	PlatformVersion string `json:"platform_version"`
	KernelVersion   string `json:"kernel_version"`
	Arch            string `json:"arch"`
}

type staticRaidMember struct {
	Name string `json:"name"`
}

type staticRaidArray struct {
	Name    string             `json:"name"`
	Level   string             `json:"level"`
	Devices int                `json:"devices"`
	Members []staticRaidMember `json:"members,omitempty"`
}

type staticRaid struct {
	Supported bool              `json:"supported"`
	Available bool              `json:"available"`
	Arrays    []staticRaidArray `json:"arrays"`
}

type static struct {
	Version               string       `json:"version"`
	Timestamp             time.Time    `json:"timestamp"`
	ReportIntervalSeconds int          `json:"report_interval_seconds"`
	CPU                   staticCPU    `json:"cpu"`
	Memory                staticMemory `json:"memory"`
	Disk                  staticDisk   `json:"disk"`
	System                staticSystem `json:"system"`
	Raid                  staticRaid   `json:"raid"`
}

// decodeMode decodes body (hex) into the named type. stream: as the master reads a body
// (json.NewDecoder(r.Body).Decode: the first JSON value, the rest unread); otherwise
// json.Unmarshal (exactly one JSON value, as Dash's DecodeJSONBody).
func decodeMode(typ, bodyHex string, stream bool) map[string]any {
	body, err := hex.DecodeString(bodyHex)
	if err != nil {
		return map[string]any{"ok": false, "error": "bad request: " + err.Error()}
	}
	var target any
	switch typ {
	case "nodepass.create":
		target = new(npCreate)
	case "nodepass.put":
		target = new(npPut)
	case "nodepass.info":
		target = new(npInfo)
	case "nodepass.patch":
		target = new(npPatch)
	case "dash.NodeReport":
		target = new(nodeReport)
	case "dash.Static":
		target = new(static)
	default:
		return map[string]any{"ok": false, "error": "bad request: unknown type " + typ}
	}
	if stream {
		err = json.NewDecoder(bytes.NewReader(body)).Decode(target)
	} else {
		err = json.Unmarshal(body, target)
	}
	if err != nil {
		return map[string]any{"ok": false, "error": text(err.Error())}
	}
	if p, ok := target.(*npPatch); ok {
		target = (*npPatchView)(p)
	}
	out, err := json.Marshal(target)
	if err != nil {
		return map[string]any{"ok": false, "error": "marshal: " + err.Error()}
	}
	return map[string]any{"ok": true, "value": json.RawMessage(out)}
}
