//! A fleet runs several telemt releases: the mock answering as 3.4.11 (no `enabled`, no rate
//! limits, no enable/disable routes) drives the `telemt-admin` example through a user's whole
//! lifecycle, and a route the release lacks ends in an error naming the release it needs.

use std::process::{Command, Output};

use nodewire_common::client::{Client, ClientError};
use nodewire_common::{Endpoint, Secret};
use nodewire_telemt::endpoints::*;
use nodewire_telemt::mock::{MockConfig, MockTelemt};
use nodewire_telemt::users::{CreateUserRequest, Username};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const AUTH: &str = "Bearer fleet-token";

async fn mock(
    release: &str,
) -> Result<(String, nodewire_examples::telemt::MockHandle), Box<dyn std::error::Error + Send + Sync>>
{
    let config = MockConfig {
        auth_header: Secret::new(AUTH),
        release: release.parse()?,
        ..MockConfig::default()
    };
    Ok(nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?)
}

async fn admin(
    url: &str,
    args: &[&str],
) -> Result<Output, Box<dyn std::error::Error + Send + Sync>> {
    let url = url.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    Ok(tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_telemt-admin"))
            .env("TELEMT_URL", url)
            .env("TELEMT_AUTH", AUTH)
            .args(&args)
            .output()
    })
    .await??)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn telemt_admin_runs_a_lifecycle_on_3_4_11() -> TestResult {
    let (url, server) = mock("3.4.11").await?;
    for args in [
        &["list"][..],
        &[
            "create",
            "carol",
            "--quota",
            "1073741824",
            "--max-tcp-conns",
            "4",
        ],
        &["get", "carol"],
        &[
            "patch",
            "carol",
            r#"{"max_tcp_conns": 8, "data_quota_bytes": null}"#,
        ],
        &["rotate-secret", "carol"],
        &["reset-quota", "carol"],
        &["delete", "carol"],
    ] {
        let out = admin(&url, args).await?;
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        // The 3.4.11 answers carry no field that came later.
        assert!(!stdout.contains("\"enabled\""), "{args:?}: {stdout}");
        assert!(!stdout.contains("rate_limit_"), "{args:?}: {stdout}");
    }

    // The route came in 3.4.14: the error names the release it needs and the server's.
    let out = admin(&url, &["enable", "alice"]).await?;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`POST /v1/users/{username}/enable` needs release 3.4.14 or later; the server runs 3.4.11"),
        "{stderr}"
    );
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_library_client_on_an_older_release() -> TestResult {
    let (url, server) = mock("3.4.11").await?;
    let client = Client::new(&url)?.with_header("authorization", Secret::new(AUTH))?;

    // A create with fields 3.4.11 does not know: the server ignores them, and the answer
    // decodes without them.
    let carol = Username::new("carol")?;
    let body = CreateUserRequest::new(carol.clone())
        .enabled(false)
        .rate_limit_up_bps(std::num::NonZeroU64::new(1000).ok_or("zero")?);
    let created = client.send(&CreateUser::new(body)).await?;
    assert_eq!(created.data.user.enabled, None);
    assert!(created.data.user.rate_limit_up_bps.is_absent());

    // Without the server's release known, the 404 `Route not found` says which release the
    // route needs.
    match client.send(&DisableUser::new(carol.clone())).await {
        Err(ClientError::RouteNotInRelease {
            route,
            added,
            server: None,
        }) => {
            assert_eq!(route, "POST /v1/users/{username}/disable");
            assert_eq!(added, "3.4.14");
        }
        other => return Err(format!("expected RouteNotInRelease, got {other:?}").into()),
    }
    // A 404 for a missing user is not mistaken for a missing route.
    let nobody = Username::new("nobody")?;
    assert!(matches!(
        client.send(&GetUser::new(nobody)).await,
        Err(ClientError::Api(_))
    ));

    // Once the release is known, nothing is sent for a route it lacks.
    let release = nodewire_telemt::system::detect_release(&client).await?;
    assert_eq!(release.to_string(), "3.4.11");
    match client.send(&GetConfig).await {
        Err(e @ ClientError::RouteNotInRelease { .. }) => assert_eq!(
            e.to_string(),
            "`GET /v1/config` needs release 3.4.16 or later; the server runs 3.4.11"
        ),
        other => return Err(format!("expected RouteNotInRelease, got {other:?}").into()),
    }
    // The runtime routes go by their underscore paths, which every release serves.
    assert_eq!(
        GetRuntimeMePoolState::METADATA.path,
        "/v1/runtime/me_pool_state"
    );
    client.send(&GetRuntimeMePoolState).await?;
    server.stop().await;

    // 3.4.19 has enable/disable and `enabled`, not yet the reload routes.
    let (url, server) = mock("3.4.19").await?;
    let client = Client::new(&url)?.with_header("authorization", Secret::new(AUTH))?;
    nodewire_telemt::system::detect_release(&client).await?;
    let alice = Username::new("alice")?;
    let disabled = client.send(&DisableUser::new(alice)).await?;
    assert_eq!(disabled.data.enabled, Some(false));
    assert!(matches!(
        client.send(&GetReloadStatus { reload_id: 1 }).await,
        Err(ClientError::RouteNotInRelease {
            added: "3.4.25",
            ..
        })
    ));
    server.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn telemt_admin_reads_its_secret_from_a_file() -> TestResult {
    let (url, server) = mock("3.4.25").await?;
    let path = std::env::temp_dir().join(format!("telemt-admin-auth-{}", std::process::id()));
    std::fs::write(&path, format!("{AUTH}\n"))?;
    let path_text = path.to_string_lossy().into_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_telemt-admin"))
            .env("TELEMT_URL", url)
            .env_remove("TELEMT_AUTH")
            .args(["--auth-file", &path_text, "list"])
            .output()
    })
    .await??;
    std::fs::remove_file(&path)?;
    server.stop().await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\"alice\""), "{stdout}");
    assert!(!stdout.contains(AUTH) && !text(&out.stderr).contains(AUTH));
    Ok(())
}
