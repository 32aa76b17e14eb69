// Command go-oracle answers, one JSON line per request line on stdin, what Go's own
// standard library (and the NodePass master and process logic restated over it) does with
// a URL. nodewire's differential tests feed it the same URLs they feed the Rust crate.
//
// Requests: {"mode":"parse"|"create"|"process","url":"...","master":{"log":"","tls":"0","crt":"","key":""}},
// {"mode":"json","strings":[...]} and {"mode":"decode","type":"...","body_hex":"...","stream":false}
// (decode.go: what encoding/json does with a request body in the Go struct of that type).
// Byte strings that are not valid UTF-8 are written as "hex:" followed by lowercase hex.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type master struct {
	Log string `json:"log"`
	TLS string `json:"tls"`
	Crt string `json:"crt"`
	Key string `json:"key"`
}

type request struct {
	Mode   string `json:"mode"`
	URL    string `json:"url"`
	Master master `json:"master"`
	// JSON asks for Go's encoding/json bytes of these strings (mode "json").
	Strings []string `json:"strings"`
	// Type, BodyHex and Stream are mode "decode"'s: the Go type, the body in hex, and
	// whether it is read with json.Decoder (the first value) rather than json.Unmarshal.
	Type    string `json:"type"`
	BodyHex string `json:"body_hex"`
	Stream  bool   `json:"stream"`
}

// text keeps valid UTF-8 as it is and writes anything else as hex, so that no byte is lost
// in the JSON answer.
func text(s string) string {
	if utf8.ValidString(s) && !strings.HasPrefix(s, "hex:") {
		return s
	}
	return "hex:" + hex.EncodeToString([]byte(s))
}

func parseMode(raw string) map[string]any {
	u, err := url.Parse(raw)
	if err != nil {
		return map[string]any{"ok": false, "error": text(err.Error())}
	}
	var user any
	if u.User != nil {
		password, set := u.User.Password()
		user = map[string]any{"username": text(u.User.Username()), "password": text(password), "password_set": set}
	}
	query := map[string][]string{}
	for k, vs := range u.Query() {
		out := make([]string, 0, len(vs))
		for _, v := range vs {
			out = append(out, text(v))
		}
		query[text(k)] = out
	}
	return map[string]any{
		"ok":            true,
		"scheme":        text(u.Scheme),
		"opaque":        text(u.Opaque),
		"user":          user,
		"host":          text(u.Host),
		"path":          text(u.Path),
		"raw_path":      text(u.RawPath),
		"raw_query":     text(u.RawQuery),
		"fragment":      text(u.Fragment),
		"raw_fragment":  text(u.RawFragment),
		"force_query":   u.ForceQuery,
		"omit_host":     u.OmitHost,
		"hostname":      text(u.Hostname()),
		"port":          text(u.Port()),
		"string":        text(u.String()),
		"query":         query,
		"query_encoded": text(u.Query().Encode()),
	}
}

// inject is the part EnhanceURL and GenerateConfigURL share: the master's log, and for
// servers its TLS code and, with code 2, its certificate and key.
func inject(q url.Values, m master, role string) {
	if m.Log != "" && q.Get("log") == "" {
		q.Set("log", m.Log)
	}
	if role == "server" && m.TLS != "0" {
		if q.Get("tls") == "" {
			q.Set("tls", m.TLS)
		}
		if m.TLS == "2" {
			if m.Crt != "" && q.Get("crt") == "" {
				q.Set("crt", m.Crt)
			}
			if m.Key != "" && q.Get("key") == "" {
				q.Set("key", m.Key)
			}
		}
	}
}

func enhance(raw string, m master, role string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	inject(q, m, role)
	u.RawQuery = q.Encode()
	return u.String()
}

var defaults = map[string][][2]string{
	"client": {{"dns", "5m0s"}, {"sni", "none"}, {"lbs", "0"}, {"min", "64"}, {"mode", "0"}, {"dial", "auto"}, {"read", "0s"}, {"rate", "0"}, {"slot", "65536"}, {"proxy", "0"}, {"block", "0"}, {"notcp", "0"}, {"noudp", "0"}},
	"server": {{"dns", "5m0s"}, {"lbs", "0"}, {"max", "1024"}, {"mode", "0"}, {"type", "0"}, {"dial", "auto"}, {"read", "0s"}, {"rate", "0"}, {"slot", "65536"}, {"proxy", "0"}, {"block", "0"}, {"notcp", "0"}, {"noudp", "0"}},
}

func configURL(stored string, m master, role string) string {
	u, err := url.Parse(stored)
	if err != nil {
		return stored
	}
	q := u.Query()
	inject(q, m, role)
	for _, kv := range defaults[role] {
		if q.Get(kv[0]) == "" {
			q.Set(kv[0], kv[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// createMode is the master's POST /instances handler up to the stored instance.
func createMode(raw string, m master) map[string]any {
	if raw == "" {
		return map[string]any{"ok": false, "status": 400, "error": "Invalid request body"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return map[string]any{"ok": false, "status": 400, "error": "Invalid URL format"}
	}
	role := u.Scheme
	if role != "client" && role != "server" {
		return map[string]any{"ok": false, "status": 400, "error": "Invalid URL scheme"}
	}
	stored := enhance(raw, m, role)
	return map[string]any{"ok": true, "status": 201, "type": role, "url": text(stored), "config": text(configURL(stored, m, role))}
}

// processMode reads the parameters as a spawned process does (the Get* readers in InitConfig
// order, and the TLS code of the command's getTLSProtocol with certificate files that do not
// load). Addresses are not resolved.
func processMode(raw string) map[string]any {
	u, err := url.Parse(raw)
	if err != nil {
		return map[string]any{"ok": false, "error": text(err.Error())}
	}
	role := u.Scheme
	if role != "client" && role != "server" {
		return map[string]any{"ok": false, "error": "unknown core"}
	}
	q := u.Query()
	serverName := ""
	if name, _, err := net.SplitHostPort(u.Host); err == nil {
		serverName = name
	}
	// getTLSProtocol
	tlsCode := "0"
	switch q.Get("tls") {
	case "1", "2":
		tlsCode = "1"
	default:
		if t := q.Get("type"); t == "1" || t == "3" {
			tlsCode = "1"
		}
	}
	var dnsTTL time.Duration
	if v := q.Get("dns"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			dnsTTL = d
		}
	} else {
		dnsTTL = 5 * time.Minute
	}
	key := u.User.Username()
	if key == "" {
		h := fnv.New32a()
		h.Write([]byte(u.Port()))
		key = hex.EncodeToString(h.Sum(nil))
	}
	atoi := func(name string, def int) int {
		if v := q.Get(name); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return n
			}
			return 0
		}
		return def
	}
	minPool, maxPool := atoi("min", 64), atoi("max", 1024)
	if sni := q.Get("sni"); sni != "" {
		serverName = sni
	} else if serverName == "" || net.ParseIP(serverName) != nil {
		serverName = "none"
	}
	or := func(name, def string) string {
		if v := q.Get(name); v != "" {
			return v
		}
		return def
	}
	poolType := or("type", "0")
	if poolType == "1" && tlsCode == "0" {
		tlsCode = "1"
	}
	dial := "auto"
	if v := q.Get("dial"); v != "" && v != "auto" && net.ParseIP(v) != nil {
		dial = v
	}
	var readTimeout time.Duration
	if v := q.Get("read"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			readTimeout = d
		}
	}
	rate := atoi("rate", 0) * 125000
	slot := int32(atoi("slot", 65536))
	block := or("block", "0")
	level := q.Get("log")
	switch level {
	case "none", "debug", "warn", "error", "event":
	default:
		level = "info"
	}
	out := map[string]any{
		"block":            text(block),
		"block_http":       strings.Contains(block, "2"),
		"block_socks":      strings.Contains(block, "1"),
		"block_tls":        strings.Contains(block, "3"),
		"dial":             text(dial),
		"dns_ttl":          dnsTTL.String(),
		"lbs":              text(or("lbs", "0")),
		"log":              level,
		"mode":             text(or("mode", "0")),
		"notcp":            text(or("notcp", "0")),
		"noudp":            text(or("noudp", "0")),
		"proxy":            text(or("proxy", "0")),
		"rate_bytes_per_s": rate,
		"rate_mbps":        rate / 125000,
		"read_timeout":     readTimeout.String(),
		"server_name":      text(serverName),
		"slot":             slot,
		"tunnel_key":       text(key),
	}
	if role == "server" {
		out["max"] = maxPool
		out["tls_code"] = tlsCode
		out["type"] = text(poolType)
	} else {
		out["max_until_handshake"] = maxPool
		out["min"] = minPool
		out["tls_listener_single_end"] = tlsCode != "0"
		out["type_ignored_on_client"] = text(poolType)
	}
	return map[string]any{"ok": true, "role": role, "effective": out}
}

// jsonMode returns encoding/json's bytes for each string (HTML-safe escaping, as
// WriteJSON in the master does through json.NewEncoder).
func jsonMode(strs []string) map[string]any {
	out := make([]string, 0, len(strs))
	for _, s := range strs {
		b, err := json.Marshal(s)
		if err != nil {
			return map[string]any{"ok": false, "error": err.Error()}
		}
		out = append(out, string(b))
	}
	return map[string]any{"ok": true, "encoded": out}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var answer map[string]any
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			answer = map[string]any{"ok": false, "error": "bad request: " + err.Error()}
		} else {
			switch req.Mode {
			case "parse":
				answer = parseMode(req.URL)
			case "create":
				answer = createMode(req.URL, req.Master)
			case "process":
				answer = processMode(req.URL)
			case "json":
				answer = jsonMode(req.Strings)
			case "decode":
				answer = decodeMode(req.Type, req.BodyHex, req.Stream)
			default:
				answer = map[string]any{"ok": false, "error": fmt.Sprintf("unknown mode %q", req.Mode)}
			}
		}
		if err := enc.Encode(answer); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
