//! Payload builders shared by the nodewire benches: large, realistic bodies made from real
//! captures.

/// One `UserInfo` as a real telemt 3.4.25 sends it.
pub const TELEMT_USER: &str = r#"{"username":"alice","enabled":true,"in_runtime":true,"user_ad_tag":null,"max_tcp_conns":null,"expiration_rfc3339":"2031-05-31T21:00:00+00:00","data_quota_bytes":1073741824,"rate_limit_up_bps":null,"rate_limit_down_bps":16000,"max_unique_ips":null,"current_connections":3,"active_unique_ips":1,"active_unique_ips_list":["203.0.113.7"],"recent_unique_ips":1,"recent_unique_ips_list":["203.0.113.7"],"total_octets":123456789,"links":{"classic":["tg://proxy?server=127.0.0.1&port=18443&secret=0123456789abcdef0123456789abcdef"],"secure":["tg://proxy?server=127.0.0.1&port=18443&secret=dd0123456789abcdef0123456789abcdef"],"tls":["tg://proxy?server=127.0.0.1&port=18443&secret=ee0123456789abcdef0123456789abcdef6578616d706c652e636f6d","tg://proxy?server=127.0.0.1&port=18443&secret=ee0123456789abcdef0123456789abcdef6578616d706c652e6f7267"],"tls_domains":[{"domain":"example.org","link":"tg://proxy?server=127.0.0.1&port=18443&secret=ee0123456789abcdef0123456789abcdef6578616d706c652e6f7267"}]}}"#;

/// A `GET /v1/users` success envelope with `n` users (distinct names).
pub fn telemt_users(n: usize) -> Vec<u8> {
    let mut out = String::with_capacity(n * (TELEMT_USER.len() + 8) + 128);
    out.push_str(r#"{"ok":true,"data":["#);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&TELEMT_USER.replacen("\"alice\"", &format!("\"user{i:05}\""), 1));
    }
    out.push_str(
        r#"],"revision":"200f78a8a48c5773690f82370c5a77cac9cff40131aaee189e94d5d7b261814e"}"#,
    );
    out.into_bytes()
}
