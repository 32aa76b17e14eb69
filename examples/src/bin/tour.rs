//! The nodewire tour: starts protocol mocks on 127.0.0.1 and drives them with the library's
//! clients, printing every exchange.
//!
//! ```sh
//! cargo run -p nodewire-examples --bin tour
//! ```

use std::num::NonZeroU64;

use nodewire_common::client::Client;
use nodewire_common::{Patch, Secret};
use nodewire_examples::exchange;
use nodewire_telemt::endpoints::*;
use nodewire_telemt::mock::{MockConfig, MockTelemt};
use nodewire_telemt::users::{CreateUserRequest, PatchUserRequest, Username};

const WIDTH: usize = 160;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    telemt().await?;
    println!("\ntour finished");
    Ok(())
}

async fn telemt() -> Result<(), Box<dyn std::error::Error>> {
    let auth = "Bearer tour-token";
    let config = MockConfig {
        auth_header: Secret::new(auth),
        ..MockConfig::default()
    };
    let (url, server) =
        nodewire_examples::telemt::spawn_mock(MockTelemt::new(config, &["alice"])).await?;
    println!(
        "== telemt {} /v1 API (mock on {url})\n",
        nodewire_telemt::UPSTREAM_VERSION
    );
    let client = Client::new(&url)?.with_header("authorization", Secret::new(auth))?;
    let bob = Username::new("bob")?;

    println!("-- health");
    exchange(&client, &GetHealth, WIDTH).await??;

    println!("\n-- create bob with a 1 GiB quota and a 16 kB/s download limit");
    let body = CreateUserRequest::new(bob.clone())
        .data_quota_bytes(1 << 30)
        .rate_limit_down_bps(NonZeroU64::new(16_000).ok_or("zero")?);
    let created = exchange(&client, &CreateUser::new(body), WIDTH).await??;
    println!(
        "   bob's first link: {}",
        created.data.user.links.classic.join(" ")
    );

    println!("\n-- get bob");
    let got = exchange(&client, &GetUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- patch bob, conditional on the revision: 3 unique IPs, remove the quota (null)");
    let patch = PatchUserRequest {
        max_unique_ips: Patch::Value(3),
        data_quota_bytes: Patch::Null,
        ..Default::default()
    };
    let call = PatchUser::new(bob.clone(), patch).if_match(got.revision.clone());
    exchange(&client, &call, WIDTH).await??;

    println!("\n-- the same patch again with the now stale revision: 409");
    if let Err(e) = exchange(&client, &call, WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- rotate bob's secret, reset his quota, disable and enable him");
    exchange(&client, &RotateSecret::new(bob.clone()), WIDTH).await??;
    exchange(&client, &ResetUserQuota::new(bob.clone()), WIDTH).await??;
    exchange(&client, &DisableUser::new(bob.clone()), WIDTH).await??;
    exchange(&client, &EnableUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- list users, then delete bob");
    exchange(&client, &ListUsers, WIDTH).await??;
    exchange(&client, &DeleteUser::new(bob.clone()), WIDTH).await??;

    println!("\n-- bob is gone: 404");
    if let Err(e) = exchange(&client, &GetUser::new(bob), WIDTH).await? {
        println!("   refused as expected: {e}");
    }

    println!("\n-- without the Authorization value: 401");
    let anonymous = Client::new(&url)?;
    if let Err(e) = exchange(&anonymous, &ListUsers, WIDTH).await? {
        println!("   refused as expected: {e}");
    }
    server.stop().await;
    Ok(())
}
