//! Weavr Embedded Payment Run API: login tokens, buyers' linked accounts, institutions and the
//! sandbox call that creates a linked account, served under `/payment-run`.
//!
//! Rules: `api-key` on every call and `Authorization: Bearer <token>` from
//! `login_with_password` on user calls (401, no body, otherwise; tokens expire after 5 minutes
//! idle); ids must be 24 hex characters and bodies match the spec (400 with `syntaxErrors`);
//! unknown or other buyers' accounts are 404; unlinking (or renaming) an `UNLINKED` account is
//! 409 `LINKED_ACCOUNT_INVALID_STATE`; `idempotency-ref` on PATCH and unlink.

use std::collections::BTreeMap;

use chrono::Utc;
use http::header::ALLOW;
use http::{HeaderName, Method, StatusCode};
use serde_json::Value;
use tokio::time::Instant;

use super::idempotency::Policy;
use super::server::{Incoming, Matched, Model, Reply, Template, match_route, strict_json};
use super::{Api, Shared};
use crate::raw::weavr_payment_run::operations as ops;
use crate::raw::weavr_payment_run::types;

const KEY_HEADER: &str = "idempotency-ref";
const REQUEST_REF: HeaderName = HeaderName::from_static("request-ref");
/// Caller name for operations that need only the API key.
const APPLICATION: &str = "application";
/// Consents last up to 90 days.
const CONSENT_DAYS: i64 = 90;
/// The list endpoint returns at most this many accounts.
const LIST_CAP: usize = 100;

/// A buyer's linked account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) buyer_id: String,
    pub(crate) account: types::GetLinkedAccountsIdResponse,
}

#[derive(Debug)]
struct Session {
    buyer_id: String,
    last_seen: Instant,
}

/// Sessions and linked accounts.
#[derive(Debug, Default)]
pub(crate) struct State {
    sessions: BTreeMap<String, Session>,
    next_account: u64,
    /// By id; ids grow, so this is creation order.
    pub(crate) accounts: BTreeMap<String, Account>,
}

#[derive(Debug)]
pub(crate) enum Route {
    Login,
    Logout,
    ListAccounts,
    GetAccount(String),
    PatchAccount(String),
    Unlink(String),
    Institutions,
    SimulateCreate,
}

#[derive(Debug)]
pub(crate) enum Command {
    Login {
        email: String,
        password: String,
    },
    Logout {
        token: String,
    },
    ListAccounts {
        buyer: String,
    },
    GetAccount {
        buyer: String,
        id: String,
    },
    PatchAccount {
        buyer: String,
        id: String,
        friendly_name: Option<String>,
    },
    Unlink {
        buyer: String,
        id: String,
    },
    Institutions(InstitutionFilter),
    SimulateCreate(Box<types::PostLinkedAccountsBody>),
}

#[derive(Debug, Default)]
pub(crate) struct InstitutionFilter {
    country: Option<String>,
    name: Option<String>,
    ids: Vec<String>,
    /// Markets the institution must serve (the spec's enum has only `EEA`).
    markets: Vec<String>,
    offset: usize,
    limit: Option<usize>,
}

fn invalid_field(field: &str, error: &str, params: &[&str]) -> Reply {
    let body = types::BadRequestError {
        message: Some(format!("{field} is invalid")),
        syntax_errors: Some(types::BadRequestErrorSyntaxErrors {
            invalid_fields: vec![types::BadRequestErrorSyntaxErrorsInvalidFieldsItem {
                error: Some(types::BadRequestErrorSyntaxErrorsInvalidFieldsItemError::from(error)),
                field_name: Some(field.to_string()),
                params: params.iter().map(|p| p.to_string()).collect(),
            }],
        }),
    };
    Reply::json(StatusCode::BAD_REQUEST, &body)
}

fn malformed(message: &str) -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        &types::BadRequestError {
            message: Some(message.to_string()),
            syntax_errors: None,
        },
    )
}

fn not_found(what: &str) -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        &types::NotFoundError {
            code: Some("NOT_FOUND".to_string()),
            message: Some(format!("{what} not found")),
        },
    )
}

fn conflict(error_code: &str) -> Reply {
    Reply::json(
        StatusCode::CONFLICT,
        &serde_json::json!({ "errorCode": error_code }),
    )
}

/// `^[0-9a-fA-F]{24}$`, the id pattern of the spec.
fn is_account_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The spec's operations; `route` maps each index to a [`Route`].
const TEMPLATES: &[Template] = &[
    (Method::POST, &["v1", "login_with_password"]),
    (Method::POST, &["v1", "logout"]),
    (Method::GET, &["v1", "linked_accounts"]),
    (Method::GET, &["v1", "linked_accounts", "*"]),
    (Method::PATCH, &["v1", "linked_accounts", "*"]),
    (Method::POST, &["v1", "linked_accounts", "*", "unlink"]),
    (Method::GET, &["v1", "institutions"]),
    (Method::POST, &["simulate", "v1", "linked_accounts"]),
];

/// The Weavr API.
pub(crate) struct Weavr;

impl Model for Weavr {
    const API: Api = Api::Weavr;
    const POLICY: Policy = Policy::WEAVR;
    type Route = Route;
    type Command = Command;

    fn route(req: &Incoming) -> Result<Route, Reply> {
        let (index, p) = match match_route(TEMPLATES, &req.method, &req.segments) {
            Matched::Found(index, params) => (index, params),
            Matched::MethodNotAllowed(allow) => {
                let reply = Reply::json(
                    StatusCode::METHOD_NOT_ALLOWED,
                    &types::DefaultError {
                        code: Some("METHOD_NOT_ALLOWED".to_string()),
                        message: Some(format!("{} is not allowed here", req.method)),
                    },
                );
                return Err(reply.with_header(ALLOW, allow));
            }
            Matched::NotFound => return Err(not_found(&format!("operation {}", req.path))),
        };
        let id = || p.first().map_or_else(String::new, |s| s.to_string());
        Ok(match index {
            0 => Route::Login,
            1 => Route::Logout,
            2 => Route::ListAccounts,
            3 => Route::GetAccount(id()),
            4 => Route::PatchAccount(id()),
            5 => Route::Unlink(id()),
            6 => Route::Institutions,
            _ => Route::SimulateCreate,
        })
    }

    fn operation_id(route: &Route) -> &'static str {
        match route {
            Route::Login => ops::ACQUIRE_AUTH_TOKEN.operation_id,
            Route::Logout => ops::LOGOUT.operation_id,
            Route::ListAccounts => ops::GET_LINKED_ACCOUNTS.operation_id,
            Route::GetAccount(_) => ops::GET_LINKED_ACCOUNTS_ID.operation_id,
            Route::PatchAccount(_) => ops::PATCH_LINKED_ACCOUNTS_ID.operation_id,
            Route::Unlink(_) => ops::UNLINK_LINKED_ACCOUNTS_ID.operation_id,
            Route::Institutions => ops::GET_INSTITUTIONS.operation_id,
            Route::SimulateCreate => ops::POST_LINKED_ACCOUNTS.operation_id,
        }
    }

    /// The caller is the buyer of the token for user operations, the application otherwise.
    fn authenticate(sim: &Shared, req: &Incoming, route: &Route) -> Result<String, Reply> {
        let unauthorized = || Reply::empty(StatusCode::UNAUTHORIZED);
        if req.header("api-key") != Some(sim.credentials.weavr_api_key.as_str()) {
            return Err(unauthorized());
        }
        if matches!(
            route,
            Route::Login | Route::Institutions | Route::SimulateCreate
        ) {
            return Ok(APPLICATION.to_string());
        }
        let token = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(unauthorized)?;
        let mut state = sim.weavr();
        let idle = sim.token_idle_timeout;
        let session = state
            .sessions
            .get_mut(token)
            .filter(|s| s.last_seen.elapsed() < idle)
            .ok_or_else(unauthorized)?;
        session.last_seen = Instant::now();
        Ok(session.buyer_id.clone())
    }

    fn validate(
        req: &Incoming,
        route: Route,
        caller: &str,
    ) -> Result<(Command, Option<String>), Reply> {
        let key = || {
            req.header(KEY_HEADER)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
        };
        let buyer = caller.to_string();
        let checked_id = |id: String| {
            if is_account_id(&id) {
                Ok(id)
            } else {
                Err(invalid_field(
                    "linked_account_id",
                    "REGEX",
                    &["^[0-9a-fA-F]{24}$"],
                ))
            }
        };
        let command = match route {
            Route::Login => {
                let body = json_object(&req.body)?;
                let email = required_text(&body, &["email"], 256)?;
                let password = required_text(&body, &["password", "value"], 100)?;
                Command::Login { email, password }
            }
            Route::Logout => {
                let token = req
                    .header("authorization")
                    .and_then(|h| h.strip_prefix("Bearer "))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                Command::Logout { token }
            }
            Route::ListAccounts => Command::ListAccounts { buyer },
            Route::GetAccount(id) => Command::GetAccount {
                buyer,
                id: checked_id(id)?,
            },
            Route::PatchAccount(id) => {
                let id = checked_id(id)?;
                let body = json_object(&req.body)?;
                let friendly_name = match body.get("friendlyName") {
                    None => None,
                    Some(Value::String(name)) if name.chars().count() <= 80 => Some(name.clone()),
                    Some(Value::String(_)) => {
                        return Err(invalid_field("friendlyName", "SIZE", &["0", "80"]));
                    }
                    Some(_) => return Err(invalid_field("friendlyName", "HAS_TEXT", &[])),
                };
                return Ok((
                    Command::PatchAccount {
                        buyer,
                        id,
                        friendly_name,
                    },
                    key(),
                ));
            }
            Route::Unlink(id) => {
                return Ok((
                    Command::Unlink {
                        buyer,
                        id: checked_id(id)?,
                    },
                    key(),
                ));
            }
            Route::Institutions => Command::Institutions(institution_filter(req)?),
            Route::SimulateCreate => {
                let body = json_object(&req.body)?;
                required_text(&body, &["buyerId"], usize::MAX)?;
                let ident = check_account_identification(body.get("accountIdentification"))?;
                let raw = serde_json::to_vec(&body).unwrap_or_default();
                let mut body: types::PostLinkedAccountsBody = strict_json(&raw)
                    .map_err(|e| malformed(&format!("invalid request body: {e}")))?;
                // The untagged enum takes the first branch whose fields are present.
                body.account_identification = ident;
                Command::SimulateCreate(Box::new(body))
            }
        };
        Ok((command, None))
    }

    fn apply(sim: &Shared, command: Command, key: Option<&str>) -> Reply {
        let mut state = sim.weavr();
        let effect = |op: &'static str, identity: String| {
            let identity = key.map_or(identity, str::to_string);
            sim.stats.effect(Api::Weavr, op, identity);
        };
        match command {
            Command::Login { email, password } => {
                let Some(user) = sim
                    .credentials
                    .weavr_users
                    .iter()
                    .find(|u| u.email == email && u.password == password)
                else {
                    return Reply::empty(StatusCode::UNAUTHORIZED);
                };
                let token = format!("sim-token-{}", uuid::Uuid::new_v4().simple());
                state.sessions.insert(
                    token.clone(),
                    Session {
                        buyer_id: user.buyer_id.clone(),
                        last_seen: Instant::now(),
                    },
                );
                let body = types::AcquireAuthTokenResponse {
                    credentials: Some(types::AcquireAuthTokenResponseCredentials {
                        id: Some(user.user_id.clone()),
                        type_: Some(types::AcquireAuthTokenResponseCredentialsType::User),
                    }),
                    identity: Some(types::AcquireAuthTokenResponseIdentity {
                        id: Some(user.buyer_id.clone()),
                        type_: Some(types::AcquireAuthTokenResponseIdentityType::Buyer),
                    }),
                    token: crate::Secret::new(token),
                    token_type: Some(types::AcquireAuthTokenResponseTokenType::Auth),
                };
                Reply::json(StatusCode::OK, &body)
            }
            Command::Logout { token } => {
                state.sessions.remove(&token);
                Reply::empty(StatusCode::NO_CONTENT)
            }
            Command::ListAccounts { buyer } => {
                let accounts: Vec<_> = state
                    .accounts
                    .values()
                    .filter(|a| a.buyer_id == buyer)
                    .map(|a| a.account.clone())
                    .collect();
                let count = accounts.len();
                let page: Vec<_> = accounts.into_iter().take(LIST_CAP).collect();
                let body = types::GetLinkedAccountsResponse {
                    count: Some(count as i32),
                    response_count: Some(page.len() as i32),
                    linked_accounts: page,
                };
                Reply::json(StatusCode::OK, &body)
            }
            Command::GetAccount { buyer, id } => match state.accounts.get(&id) {
                Some(a) if a.buyer_id == buyer => Reply::json(StatusCode::OK, &a.account),
                _ => not_found("linked account"),
            },
            Command::PatchAccount {
                buyer,
                id,
                friendly_name,
            } => match state.accounts.get_mut(&id) {
                Some(a) if a.buyer_id == buyer => {
                    if a.account.status == types::GetLinkedAccountsIdResponseStatus::Unlinked {
                        return conflict("LINKED_ACCOUNT_INVALID_STATE");
                    }
                    if friendly_name.is_some() {
                        a.account.friendly_name = friendly_name;
                    }
                    effect(
                        ops::PATCH_LINKED_ACCOUNTS_ID.operation_id,
                        format!("patch {id}"),
                    );
                    Reply::json(StatusCode::OK, &a.account)
                }
                _ => not_found("linked account"),
            },
            Command::Unlink { buyer, id } => match state.accounts.get_mut(&id) {
                Some(a) if a.buyer_id == buyer => {
                    use types::GetLinkedAccountsIdResponseStatus as S;
                    if matches!(a.account.status, S::Unlinked | S::Rejected) {
                        return conflict("LINKED_ACCOUNT_INVALID_STATE");
                    }
                    a.account.status = S::Unlinked;
                    publish(sim, WATCH, a);
                    effect(
                        ops::UNLINK_LINKED_ACCOUNTS_ID.operation_id,
                        format!("unlink {id}"),
                    );
                    Reply::json(StatusCode::OK, &a.account)
                }
                _ => not_found("linked account"),
            },
            Command::Institutions(filter) => Reply::json(StatusCode::OK, &institutions(&filter)),
            Command::SimulateCreate(body) => {
                if !sim
                    .credentials
                    .weavr_users
                    .iter()
                    .any(|u| u.buyer_id == body.buyer_id)
                {
                    return conflict("BUYER_ID_INVALID");
                }
                if body.currency.is_unknown() {
                    return conflict("UNSUPPORTED_CURRENCY");
                }
                let id = format!("652d25b7{:016x}", state.next_account);
                state.next_account += 1;
                let account = new_account(id.clone(), &body);
                let identity = format!(
                    "{} {}",
                    body.buyer_id,
                    serde_json::to_string(&body.account_identification).unwrap_or_default()
                );
                let created_at = Utc::now();
                let created = Account {
                    buyer_id: body.buyer_id.clone(),
                    account: account.clone(),
                };
                publish(sim, WATCH, &created);
                state.accounts.insert(id, created);
                effect(ops::POST_LINKED_ACCOUNTS.operation_id, identity);
                // The sandbox answer is the account plus `createdAt`.
                let mut value = serde_json::to_value(&account).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut value {
                    map.insert("createdAt".into(), Value::String(created_at.to_rfc3339()));
                }
                Reply::json(StatusCode::CREATED, &value)
            }
        }
    }

    fn server_error(status: StatusCode) -> Reply {
        // Weavr declares 500 and 503 without a body; other statuses fall under `default`.
        if matches!(status.as_u16(), 500 | 503) {
            Reply::empty(status)
        } else {
            Reply::json(
                status,
                &types::DefaultError {
                    code: Some(status.as_u16().to_string()),
                    message: Some("simulated server error".to_string()),
                },
            )
        }
    }

    fn too_many_requests(reset_secs: u64, limit_header: &str) -> Reply {
        Reply::empty(StatusCode::TOO_MANY_REQUESTS)
            .with_header(HeaderName::from_static("x-ratelimit-limit"), limit_header)
            .with_header(
                HeaderName::from_static("x-ratelimit-reset"),
                reset_secs.to_string(),
            )
    }

    fn too_large() -> Reply {
        Reply::empty(StatusCode::PAYLOAD_TOO_LARGE)
    }

    fn in_progress() -> Reply {
        conflict("IDEMPOTENT_REQUEST_IN_PROGRESS")
    }

    fn payload_mismatch() -> Reply {
        Reply::empty(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// `request-ref` goes on error answers (the spec declares none on 409s).
    fn finish(reply: Reply) -> Reply {
        if reply.status.is_success() || reply.status == StatusCode::CONFLICT {
            return reply;
        }
        let reference = uuid::Uuid::new_v4().to_string();
        reply.with_header(REQUEST_REF, reference)
    }
}

/// The webhook Weavr sends on a linked account's status changes.
const WATCH: &str = "linkedAccountWatch";
/// The webhook Weavr sends before a consent expires.
const EXPIRING_SOON: &str = "linkedAccountExpiringSoonWatch";

/// Publishes a webhook event about `account` (delivered if a URL is registered).
fn publish(sim: &Shared, kind: &str, account: &Account) {
    let user_id = sim
        .credentials
        .weavr_users
        .iter()
        .find(|u| u.buyer_id == account.buyer_id)
        .map_or("", |u| u.user_id.as_str());
    sim.webhooks
        .publish(kind, &account.account, &account.buyer_id, user_id);
}

/// What happens to a linked account on Weavr's side, outside the API.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AccountEvent {
    Rejected,
    ConsentExpired,
    ConsentExpiringSoon,
}

/// Applies `event` to account `id` and publishes its webhook; `false` if there is no such
/// account.
pub(crate) fn account_event(sim: &Shared, id: &str, event: AccountEvent) -> bool {
    let mut state = sim.weavr();
    let Some(a) = state.accounts.get_mut(id) else {
        return false;
    };
    let kind = match event {
        AccountEvent::Rejected => {
            a.account.status = types::GetLinkedAccountsIdResponseStatus::Rejected;
            WATCH
        }
        AccountEvent::ConsentExpired => {
            a.account.consent.status = types::GetLinkedAccountsIdResponseConsentStatus::Expired;
            a.account.consent.expires_in = 0;
            a.account.consent.expires_at = Utc::now();
            WATCH
        }
        AccountEvent::ConsentExpiringSoon => EXPIRING_SOON,
    };
    publish(sim, kind, a);
    true
}

impl State {
    /// The accounts of `buyer_id`, oldest first.
    pub(crate) fn accounts_of(&self, buyer_id: &str) -> Vec<types::GetLinkedAccountsIdResponse> {
        self.accounts
            .values()
            .filter(|a| a.buyer_id == buyer_id)
            .map(|a| a.account.clone())
            .collect()
    }
}

fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(malformed("the request body must be a JSON object")),
        Err(_) => Err(malformed("the request body is not valid JSON")),
    }
}

/// A string at `path` (for example `password.value`) of at most `max_len` characters. The
/// spec sets no minLength on these, so the empty string is valid input.
fn required_text(
    body: &serde_json::Map<String, Value>,
    path: &[&str],
    max_len: usize,
) -> Result<String, Reply> {
    let name = path.join(".");
    let mut value = None;
    let mut map = Some(body);
    for part in path {
        value = map.and_then(|m| m.get(*part));
        map = value.and_then(Value::as_object);
    }
    match value {
        None | Some(Value::Null) => Err(invalid_field(&name, "REQUIRED", &[])),
        Some(Value::String(s)) if s.chars().count() <= max_len => Ok(s.clone()),
        Some(Value::String(_)) => Err(invalid_field(&name, "SIZE", &["0", &max_len.to_string()])),
        Some(_) => Err(invalid_field(&name, "HAS_TEXT", &[])),
    }
}

/// `accountIdentification`, a `oneOf` of Faster Payments (`accountNumber` 8 digits,
/// `sortCode` 6) and SEPA (`iban`, optional BIC), neither closed to other properties: valid
/// when exactly one branch matches, and the details are those of that branch.
fn check_account_identification(
    value: Option<&Value>,
) -> Result<types::AccountIdentification, Reply> {
    let Some(Value::Object(ident)) = value else {
        return Err(invalid_field("accountIdentification", "REQUIRED", &[]));
    };
    let faster = faster_payments(ident);
    let sepa = sepa(ident);
    match (faster, sepa) {
        (Ok(one), Err(_)) | (Err(_), Ok(one)) => Ok(one),
        (Ok(_), Ok(_)) => Err(invalid_field(
            "accountIdentification",
            "EXACTLY",
            &["1", "FasterPaymentsBankDetails", "SepaBankDetails"],
        )),
        // The error of the branch the caller seems to mean.
        (Err(faster), Err(sepa)) => Err(if ident.contains_key("iban") {
            sepa
        } else {
            faster
        }),
    }
}

/// An optional string property: `Ok(None)` when absent, an error when not a string.
fn optional_text<'a>(
    ident: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Reply> {
    match ident.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid_field(
            &format!("accountIdentification.{name}"),
            "HAS_TEXT",
            &[],
        )),
    }
}

fn required(ident: &serde_json::Map<String, Value>, name: &str) -> Result<String, Reply> {
    optional_text(ident, name)?
        .map(str::to_string)
        .ok_or_else(|| invalid_field(&format!("accountIdentification.{name}"), "REQUIRED", &[]))
}

fn faster_payments(
    ident: &serde_json::Map<String, Value>,
) -> Result<types::AccountIdentification, Reply> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let account_number = required(ident, "accountNumber")?;
    let sort_code = required(ident, "sortCode")?;
    let secondary_reference = optional_text(ident, "secondaryReference")?.map(str::to_string);
    if !digits(&account_number, 8) {
        return Err(invalid_field(
            "accountIdentification.accountNumber",
            "REGEX",
            &["^[0-9]{8}$"],
        ));
    }
    if !digits(&sort_code, 6) {
        return Err(invalid_field(
            "accountIdentification.sortCode",
            "REGEX",
            &["^[0-9]{6}$"],
        ));
    }
    Ok(types::AccountIdentification::FasterPaymentsBankDetails {
        account_number,
        secondary_reference,
        sort_code,
    })
}

fn sepa(ident: &serde_json::Map<String, Value>) -> Result<types::AccountIdentification, Reply> {
    let iban = required(ident, "iban")?;
    let bytes = iban.as_bytes();
    // ^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$, length 15 to 34.
    let iban_ok = (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !iban_ok {
        return Err(invalid_field(
            "accountIdentification.iban",
            "REGEX",
            &["^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"],
        ));
    }
    let bic = optional_text(ident, "bankIdentifierCode")?;
    if let Some(bic) = bic {
        // ^[a-zA-Z0-9]{4}[a-zA-Z]{2}[a-zA-Z0-9]{2}[a-zA-Z0-9]{0,3}$, length 8 to 11.
        let b = bic.as_bytes();
        let ok = (8..=11).contains(&b.len())
            && b.iter().all(u8::is_ascii_alphanumeric)
            && b[4..6].iter().all(u8::is_ascii_alphabetic);
        if !ok {
            return Err(invalid_field(
                "accountIdentification.bankIdentifierCode",
                "REGEX",
                &["^[a-zA-Z0-9]{4}[a-zA-Z]{2}[a-zA-Z0-9]{2}[a-zA-Z0-9]{0,3}$"],
            ));
        }
    }
    Ok(types::AccountIdentification::SepaBankDetails {
        bank_identifier_code: bic.map(str::to_string),
        iban,
    })
}

fn new_account(
    id: String,
    body: &types::PostLinkedAccountsBody,
) -> types::GetLinkedAccountsIdResponse {
    use types::AccountIdentification as Ident;
    let (currency, country) = match &body.account_identification {
        Ident::FasterPaymentsBankDetails { .. } => (
            types::GetLinkedAccountsIdResponseCurrency::Gbp,
            "GB".to_string(),
        ),
        Ident::SepaBankDetails { iban, .. } => (
            types::GetLinkedAccountsIdResponseCurrency::Eur,
            iban.chars().take(2).collect(),
        ),
    };
    let expires_at = Utc::now() + chrono::Duration::days(CONSENT_DAYS);
    types::GetLinkedAccountsIdResponse {
        account_identification: body.account_identification.clone(),
        consent: types::GetLinkedAccountsIdResponseConsent {
            expires_at,
            expires_in: CONSENT_DAYS * 24 * 3600,
            status: types::GetLinkedAccountsIdResponseConsentStatus::Active,
        },
        currency,
        friendly_name: None,
        id,
        institution: types::GetLinkedAccountsIdResponseInstitution {
            countries: vec![
                types::GetLinkedAccountsIdResponseInstitutionCountriesItem::from(country.as_str()),
            ],
            display_name: Some("Simulated Bank".to_string()),
            images: None,
            info: None,
        },
        status: types::GetLinkedAccountsIdResponseStatus::Linked,
    }
}

fn institution_filter(req: &Incoming) -> Result<InstitutionFilter, Reply> {
    // Both are `int32` with a minimum, so the maximum is i32::MAX.
    let number = |name: &str, min: i32| -> Result<Option<usize>, Reply> {
        match req.query_param(name) {
            None => Ok(None),
            Some(v) => match v.parse::<i32>() {
                Ok(n) if n >= min => Ok(usize::try_from(n).ok()),
                _ => Err(invalid_field(
                    name,
                    "RANGE",
                    &[&min.to_string(), &i32::MAX.to_string()],
                )),
            },
        }
    };
    let markets: Vec<String> = req
        .query_values("market")
        .into_iter()
        .map(str::to_string)
        .collect();
    if markets.iter().any(|m| m != "EEA") {
        return Err(invalid_field("market", "IN", &["EEA"]));
    }
    Ok(InstitutionFilter {
        country: req.query_param("country").map(str::to_string),
        name: req.query_param("institutionName").map(str::to_lowercase),
        ids: req
            .query_values("institutionIds")
            .into_iter()
            .map(str::to_string)
            .collect(),
        markets,
        offset: number("offset", 0)?.unwrap_or(0),
        limit: number("limit", 1)?,
    })
}

/// Two simulated banks, one per currency.
fn institutions(filter: &InstitutionFilter) -> types::GetInstitutionsResponse {
    use types::GetInstitutionsResponseInstitutionsItem as Institution;
    use types::GetInstitutionsResponseInstitutionsItemCountriesItem as Country;
    use types::GetInstitutionsResponseInstitutionsItemCurrenciesItem as Currency;
    use types::GetInstitutionsResponseInstitutionsItemMarketsItem as Market;
    let all = [
        Institution {
            countries: vec![Country::from("GB")],
            currencies: vec![Currency::Gbp],
            display_name: Some("Simulated Bank UK".to_string()),
            id: "sim-bank-gb".to_string(),
            images: None,
            markets: Vec::new(),
        },
        Institution {
            countries: vec![Country::from("FR"), Country::from("DE")],
            currencies: vec![Currency::Eur],
            display_name: Some("Simulated Bank EU".to_string()),
            id: "sim-bank-eu".to_string(),
            images: None,
            markets: vec![Market::Eea],
        },
    ];
    let matching: Vec<_> = all
        .into_iter()
        .filter(|i| {
            filter
                .country
                .as_ref()
                .is_none_or(|c| i.countries.iter().any(|ic| ic.as_str() == c))
        })
        .filter(|i| {
            filter.name.as_ref().is_none_or(|n| {
                i.display_name
                    .as_deref()
                    .is_some_and(|d| d.to_lowercase().contains(n))
            })
        })
        .filter(|i| filter.ids.is_empty() || filter.ids.contains(&i.id))
        .filter(|i| {
            filter
                .markets
                .iter()
                .all(|m| i.markets.iter().any(|im| im.as_str() == m))
        })
        .collect();
    let count = matching.len();
    let page: Vec<_> = matching
        .into_iter()
        .skip(filter.offset)
        .take(filter.limit.unwrap_or(usize::MAX))
        .collect();
    types::GetInstitutionsResponse {
        count: count as i32,
        response_count: page.len() as i32,
        institutions: page,
    }
}
