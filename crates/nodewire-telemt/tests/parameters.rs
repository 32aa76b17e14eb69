//! The facts the OpenAPI export reads: every `{name}` segment of a route's template and every
//! query key its `query()` can emit is declared in its `PARAMETERS` (and nothing else is), no
//! route answers without the credential, and the API's release, server and credential are the
//! crate's own.

use std::error::Error;
use std::marker::PhantomData;

use nodewire_common::Endpoint;
use nodewire_common::endpoint::{Parameter, parameter_problems};
use nodewire_common::registry::SecurityKind;
use nodewire_telemt::config::ConfigPatch;
use nodewire_telemt::endpoints::*;
use nodewire_telemt::reload::{ReloadFailurePolicy, ReloadRequest};
use nodewire_telemt::users::{CreateUserRequest, PatchUserRequest, UserSecret, Username};

type Built<T> = Result<T, Box<dyn Error>>;

#[path = "../../../tests/routes.rs"]
mod routes;

/// An endpoint with every option that reaches the query set, so its `query()` emits every
/// key it can. A route with options implements it; one without is checked as its `Default`
/// ([`Sample`]), so a route whose options are left out here fails the check (its default
/// sends none of the query parameters it declares).
trait Full: Endpoint + Sized {
    fn full() -> Built<Self>;
}

/// The value of route `E` the check reads: its [`Full`] one, else its `Default`. A route
/// that is neither does not compile.
struct Sample<E>(PhantomData<E>);

impl<E: Full> Sample<E> {
    fn build(&self) -> Built<E> {
        E::full()
    }
}

trait OrDefault<E> {
    fn build(&self) -> Built<E>;
}

impl<E: Default> OrDefault<E> for Sample<E> {
    fn build(&self) -> Built<E> {
        Ok(E::default())
    }
}

fn user() -> Built<Username> {
    Ok(Username::new("alice")?)
}

const REVISION: &str = "ab12";

impl Full for GetRuntimeEventsRecent {
    fn full() -> Built<Self> {
        Ok(Self::default().limit(7))
    }
}

impl Full for GetRuntimeTlsFingerprints {
    fn full() -> Built<Self> {
        Ok(Self::default().limit(7))
    }
}

impl Full for CreateUser {
    fn full() -> Built<Self> {
        Ok(Self::new(CreateUserRequest::new(user()?)).if_match(REVISION))
    }
}

impl Full for GetUser {
    fn full() -> Built<Self> {
        Ok(Self::new(user()?))
    }
}

impl Full for PatchUser {
    fn full() -> Built<Self> {
        Ok(Self::new(user()?, PatchUserRequest::default()).if_match(REVISION))
    }
}

macro_rules! full_user_action {
    ($($name:ident),* $(,)?) => {
        $(impl Full for $name {
            fn full() -> Built<Self> {
                Ok(Self::new(user()?).if_match(REVISION))
            }
        })*
    };
}

full_user_action!(DeleteUser, EnableUser, DisableUser, ResetUserQuota);

impl Full for RotateSecret {
    fn full() -> Built<Self> {
        let secret = UserSecret::new("0123456789abcdef0123456789abcdef")?;
        Ok(Self::new(user()?).to(secret).if_match(REVISION))
    }
}

impl Full for PatchConfig {
    fn full() -> Built<Self> {
        let patch: ConfigPatch = serde_json::from_str(r#"{"general":{"log_level":"debug"}}"#)?;
        let reload = ReloadRequest::drain(30)?.failure_policy(ReloadFailurePolicy::Rollback);
        Ok(Self::new(patch).reload(reload).if_match(REVISION))
    }
}

impl Full for SubmitReload {
    fn full() -> Built<Self> {
        Ok(Self::new(ReloadRequest::drain(30)?).if_match(REVISION))
    }
}

impl Full for GetReloadStatus {
    fn full() -> Built<Self> {
        Ok(Self { reload_id: 3 })
    }
}

/// What is wrong with route `E`'s declared parameters and `PUBLIC`, if anything.
fn problems<E: Endpoint>(endpoint: &E) -> Vec<String> {
    let mut problems = parameter_problems(endpoint);
    if E::PUBLIC {
        problems.push(format!(
            "{}: telemt checks `Authorization` before routing, so no route is public",
            E::METADATA.name
        ));
    }
    problems
}

/// The check of every endpoint, in the crate's own list: its problems, built from its sample
/// (the concrete type picks the sample's `build`).
macro_rules! checks {
    ($($name:ident),* $(,)?) => {
        [$(
            (|| Ok(problems(&Sample::<$name>(PhantomData).build()?)))
                as routes::Check
        ),*]
    };
}

#[test]
fn every_path_segment_and_query_key_is_declared() -> Result<(), Box<dyn Error>> {
    let checks = nodewire_telemt::__with_endpoints!(checks);
    routes::every_route_passes(nodewire_telemt::registry(), &checks)
}

#[test]
fn the_query_and_path_parameters_have_the_servers_rules() {
    let schema = |parameters: &[Parameter], parameter: &str| {
        parameters
            .iter()
            .find(|p| p.name == parameter)
            .map(|p| serde_json::to_value((p.schema)()).unwrap())
    };
    let limit = serde_json::json!({ "type": "integer", "minimum": 1, "maximum": 1000 });
    assert_eq!(
        schema(GetRuntimeEventsRecent::PARAMETERS, "limit"),
        Some(limit.clone())
    );
    assert_eq!(
        schema(GetRuntimeTlsFingerprints::PARAMETERS, "limit"),
        Some(limit)
    );
    assert_eq!(
        schema(PatchConfig::PARAMETERS, "reload").unwrap()["enum"],
        serde_json::json!(["instant", "drain"])
    );
    assert_eq!(
        schema(PatchConfig::PARAMETERS, "failure_policy").unwrap()["enum"],
        serde_json::json!(["keep_new", "rollback"])
    );
    assert_eq!(
        schema(PatchConfig::PARAMETERS, "timeout_secs").unwrap()["maximum"],
        3600
    );
    assert_eq!(
        schema(GetUser::PARAMETERS, "username").unwrap()["pattern"],
        "^[A-Za-z0-9_.\\-]{1,64}$"
    );
    assert_eq!(
        schema(GetReloadStatus::PARAMETERS, "id").unwrap()["type"],
        "integer"
    );
    assert!(PatchConfig::PARAMETERS.iter().all(|p| !p.required));
}

#[test]
fn the_api_is_the_releases_with_its_credential() {
    let api = nodewire_telemt::registry().api;
    assert_eq!(api.version, nodewire_telemt::UPSTREAM_VERSION);
    assert!(!api.description.is_empty());
    let server = api.servers.first().unwrap();
    assert_eq!(server.url, "http://127.0.0.1:9091");
    // The paths carry the `/v1` prefix, so the server URL has none.
    assert!(
        nodewire_telemt::registry()
            .routes
            .iter()
            .all(|r| r.metadata.path.starts_with("/v1/"))
    );
    let [scheme] = api.security else {
        panic!("one credential: {:?}", api.security)
    };
    assert_eq!(
        scheme.kind,
        SecurityKind::Header(nodewire_telemt::AUTH_HEADER)
    );
    assert!(scheme.description.contains("auth_header"));
}
