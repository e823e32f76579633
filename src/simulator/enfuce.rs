//! Enfuce Customer details API: private and corporate customers and customer links, served
//! under `/customer` as the real base URL is.
//!
//! Rules: HTTP basic or bearer credentials (401 `SECURITY_ERROR` otherwise); `auditUser` on
//! every call and bodies checked against the spec (400 `STATIC_VALIDATION_ERROR`); state
//! conflicts such as a taken customer number (400 `DYNAMIC_VALIDATION_ERROR`); unknown ids
//! (404); `x-idempotency-key` on POST and PATCH (at most 64 characters; successes replayed).

use std::collections::BTreeMap;

use http::header::ALLOW;
use http::{Method, StatusCode};

use super::idempotency::Policy;
use super::server::{Incoming, Matched, Model, Reply, Template, match_route, strict_json};
use super::{Api, Shared};
use crate::raw::enfuce_customer::operations as ops;
use crate::raw::enfuce_customer::types;

/// The idempotency header and its documented length limit.
const KEY_HEADER: &str = "x-idempotency-key";
const KEY_MAX_LEN: usize = 64;
/// First ids handed out: the shape of Enfuce's examples (customer 151077912, link 11601).
const FIRST_CUSTOMER_ID: u64 = 151_077_912;
const FIRST_LINK_ID: u64 = 11_601;

/// Customers and links.
#[derive(Debug)]
pub(crate) struct State {
    next_customer: u64,
    next_link: u64,
    pub(crate) customers: BTreeMap<String, types::Customer>,
    pub(crate) links: BTreeMap<String, Vec<types::LinkedCustomer>>,
}

impl Default for State {
    fn default() -> Self {
        State {
            next_customer: FIRST_CUSTOMER_ID,
            next_link: FIRST_LINK_ID,
            customers: BTreeMap::new(),
            links: BTreeMap::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Route {
    GetCustomer(String),
    GetByNumber(String),
    GetIdByRegNo(String),
    CreatePrivate,
    CreateCorporate,
    UpdatePrivate(String),
    UpdateCorporate(String),
    UpdateProperty {
        role: String,
        id: String,
        property: String,
    },
    GetLinks(String),
    CreateLink(String),
    DeleteLink(String, String),
}

#[derive(Debug)]
pub(crate) enum Command {
    GetCustomer(String),
    GetByNumber(String),
    GetIdByRegNo(String),
    CreatePrivate(Box<types::CreatePrivateCustomer>),
    CreateCorporate(Box<types::CreateCorporateCustomer>),
    UpdatePrivate(String, Box<types::UpdatePrivateCustomer>),
    UpdateCorporate(String, Box<types::UpdateCorporateCustomer>),
    DeleteTemporaryAddress(types::Role, String),
    GetLinks(String),
    CreateLink(String, String),
    DeleteLink(String, String),
}

/// Enfuce's error body.
fn error(
    status: StatusCode,
    error_type: Option<types::ErrorResponseErrorType>,
    error_code: &str,
    message: impl Into<String>,
) -> Reply {
    let body = types::ErrorResponse {
        code: Some(status.as_u16().to_string()),
        error_code: Some(error_code.to_string()),
        error_reason: None,
        error_type,
        id: Some(uuid::Uuid::new_v4()),
        message: Some(message.into()),
        timestamp: Some(chrono::Utc::now()),
    };
    Reply::json(status, &body)
}

fn bad_request(message: impl Into<String>) -> Reply {
    error(
        StatusCode::BAD_REQUEST,
        Some(types::ErrorResponseErrorType::StaticValidationError),
        "VALIDATION_FAILED",
        message,
    )
}

fn conflict(error_code: &str, message: impl Into<String>) -> Reply {
    error(
        StatusCode::BAD_REQUEST,
        Some(types::ErrorResponseErrorType::DynamicValidationError),
        error_code,
        message,
    )
}

fn not_found(message: impl Into<String>) -> Reply {
    error(
        StatusCode::NOT_FOUND,
        Some(types::ErrorResponseErrorType::DynamicValidationError),
        "NOT_FOUND",
        message,
    )
}

fn resource(status: StatusCode, description: &str, id: &str) -> Reply {
    Reply::json(
        status,
        &types::ResourceResponse {
            description: Some(description.to_string()),
            id: Some(id.to_string()),
        },
    )
}

/// The spec's operations, literal paths first; `route` maps each index to a [`Route`].
const TEMPLATES: &[Template] = &[
    (Method::POST, &["v3", "PRIVATE"]),
    (Method::POST, &["v3", "CORPORATE"]),
    (Method::PATCH, &["v3", "PRIVATE", "*"]),
    (Method::PATCH, &["v3", "CORPORATE", "*"]),
    (Method::GET, &["v3", "customerNumber", "*"]),
    (Method::GET, &["v3", "regNo", "*", "id"]),
    (Method::POST, &["v3", "*", "*", "update", "*"]),
    (Method::GET, &["v3", "*", "link"]),
    (Method::POST, &["v3", "*", "link"]),
    (Method::DELETE, &["v3", "*", "link", "*"]),
    (Method::GET, &["v3", "*"]),
];

/// The Enfuce API.
pub(crate) struct Enfuce;

impl Model for Enfuce {
    const API: Api = Api::Enfuce;
    const POLICY: Policy = Policy::ENFUCE;
    type Route = Route;
    type Command = Command;

    fn route(req: &Incoming) -> Result<Route, Reply> {
        let (index, p) = match match_route(TEMPLATES, &req.method, &req.segments) {
            Matched::Found(index, params) => (index, params),
            Matched::MethodNotAllowed(allow) => {
                let reply = error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    Some(types::ErrorResponseErrorType::StaticValidationError),
                    "METHOD_NOT_ALLOWED",
                    format!("{} is not allowed here", req.method),
                );
                return Err(reply.with_header(ALLOW, allow));
            }
            Matched::NotFound => return Err(not_found(format!("no operation at {}", req.path))),
        };
        let arg = |i: usize| p.get(i).map_or_else(String::new, |s| s.to_string());
        Ok(match index {
            0 => Route::CreatePrivate,
            1 => Route::CreateCorporate,
            2 => Route::UpdatePrivate(arg(0)),
            3 => Route::UpdateCorporate(arg(0)),
            4 => Route::GetByNumber(arg(0)),
            5 => Route::GetIdByRegNo(arg(0)),
            6 => Route::UpdateProperty {
                role: arg(0),
                id: arg(1),
                property: arg(2),
            },
            7 => Route::GetLinks(arg(0)),
            8 => Route::CreateLink(arg(0)),
            9 => Route::DeleteLink(arg(0), arg(1)),
            _ => Route::GetCustomer(arg(0)),
        })
    }

    fn operation_id(route: &Route) -> &'static str {
        match route {
            Route::GetCustomer(_) => ops::GET_CUSTOMER_USING_GET.operation_id,
            Route::GetByNumber(_) => ops::GET_CUSTOMER_BY_CUSTOMER_NUMBER_USING_GET.operation_id,
            Route::GetIdByRegNo(_) => ops::GET_CUSTOMER_ID_BY_REG_NO_USING_GET.operation_id,
            Route::CreatePrivate => ops::CREATE_PRIVATE_CUSTOMER_USING_POST.operation_id,
            Route::CreateCorporate => ops::CREATE_CORPORATE_CUSTOMER_USING_POST.operation_id,
            Route::UpdatePrivate(_) => ops::UPDATE_PRIVATE_CUSTOMER_USING_PATCH.operation_id,
            Route::UpdateCorporate(_) => ops::UPDATE_CORPORATE_CUSTOMER_USING_PATCH.operation_id,
            Route::UpdateProperty { .. } => ops::UPDATE_CUSTOMER_USING_POST.operation_id,
            Route::GetLinks(_) => ops::GET_LINKED_CUSTOMERS_USING_GET.operation_id,
            Route::CreateLink(_) => ops::CREATE_LINKED_CUSTOMER_USING_POST.operation_id,
            Route::DeleteLink(..) => ops::DELETE_LINKED_CUSTOMER_USING_DELETE.operation_id,
        }
    }

    fn authenticate(sim: &Shared, req: &Incoming, _route: &Route) -> Result<String, Reply> {
        let unauthorized = |message: &str| {
            error(
                StatusCode::UNAUTHORIZED,
                Some(types::ErrorResponseErrorType::SecurityError),
                "UNAUTHORIZED",
                message,
            )
        };
        let Some(header) = req.header("authorization") else {
            return Err(unauthorized("credentials are required"));
        };
        let creds = &sim.credentials;
        if let Some(encoded) = header.strip_prefix("Basic ") {
            use base64::Engine as _;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok());
            if let Some((user, password)) = decoded.as_deref().and_then(|d| d.split_once(':'))
                && user == creds.enfuce_username
                && password == creds.enfuce_password
            {
                return Ok(user.to_string());
            }
        } else if let Some(token) = header.strip_prefix("Bearer ")
            && token.trim() == creds.enfuce_bearer_token
        {
            return Ok("bearer".to_string());
        }
        Err(unauthorized("the credentials are not valid"))
    }

    fn validate(
        req: &Incoming,
        route: Route,
        _caller: &str,
    ) -> Result<(Command, Option<String>), Reply> {
        // Required, but the spec allows any string, the empty one too.
        if req.query_param("auditUser").is_none() {
            return Err(bad_request("query parameter auditUser is required"));
        }
        let key = if matches!(req.method, Method::POST | Method::PATCH) {
            match req.header(KEY_HEADER) {
                None => None,
                Some(k) if k.is_empty() || k.len() > KEY_MAX_LEN => {
                    return Err(bad_request(format!(
                        "{KEY_HEADER} must be 1 to {KEY_MAX_LEN} characters"
                    )));
                }
                Some(k) => Some(k.to_string()),
            }
        } else {
            None
        };
        let command = match route {
            Route::GetCustomer(id) => Command::GetCustomer(id),
            Route::GetByNumber(n) => Command::GetByNumber(n),
            Route::GetIdByRegNo(r) => Command::GetIdByRegNo(r),
            Route::CreatePrivate => {
                let body: types::CreatePrivateCustomer = parse(&req.body)?;
                check_len("customerNumber", Some(&body.customer_number), 64)?;
                check_len("regNo", Some(&body.reg_no), 64)?;
                check_len("firstName", Some(&body.first_name), 255)?;
                check_len("lastName", Some(&body.last_name), 255)?;
                check_len("middleName", body.middle_name.as_ref(), 255)?;
                check_len("salutation", body.salutation.as_ref(), 32)?;
                check_len("email", body.email.as_ref(), 255)?;
                check_enums(Some(&body.locale), body.risk_score.as_ref())?;
                Command::CreatePrivate(Box::new(body))
            }
            Route::CreateCorporate => {
                let body: types::CreateCorporateCustomer = parse(&req.body)?;
                check_len("customerNumber", Some(&body.customer_number), 64)?;
                check_len("regNo", Some(&body.reg_no), 64)?;
                check_len("name", Some(&body.name), 255)?;
                check_len("email", body.email.as_ref(), 255)?;
                check_len(
                    "customerRepresentative",
                    body.customer_representative.as_ref(),
                    64,
                )?;
                check_enums(Some(&body.locale), body.risk_score.as_ref())?;
                Command::CreateCorporate(Box::new(body))
            }
            Route::UpdatePrivate(id) => {
                let body: types::UpdatePrivateCustomer = parse(&req.body)?;
                check_len("customerNumber", body.customer_number.as_ref(), 32)?;
                check_len("regNo", body.reg_no.as_ref(), 32)?;
                check_enums(body.locale.as_ref(), body.risk_score.as_ref())?;
                Command::UpdatePrivate(id, Box::new(body))
            }
            Route::UpdateCorporate(id) => {
                let body: types::UpdateCorporateCustomer = parse(&req.body)?;
                check_len("customerNumber", body.customer_number.as_ref(), 32)?;
                check_len("regNo", body.reg_no.as_ref(), 32)?;
                check_enums(body.locale.as_ref(), body.risk_score.as_ref())?;
                Command::UpdateCorporate(id, Box::new(body))
            }
            Route::UpdateProperty { role, id, property } => {
                let role = types::Role::from(role.as_str());
                if role.is_unknown() {
                    return Err(bad_request("role must be PRIVATE or CORPORATE"));
                }
                if property != "DELETE_TEMPORARY_ADDRESS" {
                    return Err(bad_request(
                        "propertyToUpdate must be DELETE_TEMPORARY_ADDRESS",
                    ));
                }
                // The body is `{ "dummy": ... }`, "not used"; it must still be JSON.
                if !req.body.is_empty() {
                    let _: types::UpdateCustomerProperty = parse(&req.body)?;
                }
                Command::DeleteTemporaryAddress(role, id)
            }
            Route::GetLinks(id) => Command::GetLinks(id),
            Route::CreateLink(id) => {
                let body: types::CreateLinkedCustomerUsingPostBody = parse(&req.body)?;
                if body.type_.is_unknown() {
                    return Err(bad_request("type must be CUSTOMER_LINK"));
                }
                Command::CreateLink(id, body.customer_id)
            }
            Route::DeleteLink(id, link) => Command::DeleteLink(id, link),
        };
        Ok((command, key))
    }

    fn apply(sim: &Shared, command: Command, key: Option<&str>) -> Reply {
        let mut state = sim.enfuce();
        let effect = |op: &'static str, identity: String| {
            let identity = key.map_or(identity, str::to_string);
            sim.stats.effect(Api::Enfuce, op, identity);
        };
        match command {
            Command::GetCustomer(id) => match state.customers.get(&id) {
                Some(customer) => Reply::json(StatusCode::OK, customer),
                None => not_found(format!("customer {id} not found")),
            },
            Command::GetByNumber(number) => {
                match state
                    .customers
                    .values()
                    .find(|c| c.customer_number == number)
                {
                    Some(customer) => Reply::json(StatusCode::OK, customer),
                    None => not_found("no customer has this customer number"),
                }
            }
            Command::GetIdByRegNo(reg_no) => {
                match state
                    .customers
                    .values()
                    .find(|c| c.reg_no.as_deref() == Some(reg_no.as_str()))
                {
                    Some(customer) => Reply::json(
                        StatusCode::OK,
                        &types::CustomerIdResponse {
                            id: customer.id.clone(),
                        },
                    ),
                    None => not_found("no customer has this regNo"),
                }
            }
            Command::CreatePrivate(body) => {
                if state.number_taken(&body.customer_number, None) {
                    return conflict("CUSTOMER_NUMBER_EXISTS", "customerNumber is already in use");
                }
                let id = state.new_customer_id();
                let number = body.customer_number.clone();
                state
                    .customers
                    .insert(id.clone(), private_customer(id.clone(), *body));
                effect(ops::CREATE_PRIVATE_CUSTOMER_USING_POST.operation_id, number);
                resource(StatusCode::CREATED, "Private customer created", &id)
            }
            Command::CreateCorporate(body) => {
                if state.number_taken(&body.customer_number, None) {
                    return conflict("CUSTOMER_NUMBER_EXISTS", "customerNumber is already in use");
                }
                let id = state.new_customer_id();
                let number = body.customer_number.clone();
                state
                    .customers
                    .insert(id.clone(), corporate_customer(id.clone(), *body));
                effect(
                    ops::CREATE_CORPORATE_CUSTOMER_USING_POST.operation_id,
                    number,
                );
                resource(StatusCode::CREATED, "Corporate customer created", &id)
            }
            Command::UpdatePrivate(id, changes) => {
                let number = changes.customer_number.clone();
                if let Err(reply) =
                    state.update(&id, number.as_deref(), types::Role::Private, |c| {
                        update_private(c, *changes)
                    })
                {
                    return reply;
                }
                effect(
                    ops::UPDATE_PRIVATE_CUSTOMER_USING_PATCH.operation_id,
                    id.clone(),
                );
                resource(StatusCode::OK, "Customer updated", &id)
            }
            Command::UpdateCorporate(id, changes) => {
                let number = changes.customer_number.clone();
                if let Err(reply) =
                    state.update(&id, number.as_deref(), types::Role::Corporate, |c| {
                        update_corporate(c, *changes)
                    })
                {
                    return reply;
                }
                effect(
                    ops::UPDATE_CORPORATE_CUSTOMER_USING_PATCH.operation_id,
                    id.clone(),
                );
                resource(StatusCode::OK, "Customer updated", &id)
            }
            Command::DeleteTemporaryAddress(role, id) => {
                let Some(customer) = state.customers.get_mut(&id) else {
                    return not_found(format!("customer {id} not found"));
                };
                if customer.role.as_ref() != Some(&role) {
                    return conflict("ROLE_MISMATCH", format!("the customer is not {role}"));
                }
                customer.temporary_address = None;
                effect(ops::UPDATE_CUSTOMER_USING_POST.operation_id, id.clone());
                resource(StatusCode::OK, "Temporary address deleted", &id)
            }
            Command::GetLinks(id) => {
                if !state.customers.contains_key(&id) {
                    return not_found(format!("customer {id} not found"));
                }
                let links = state.links.get(&id).cloned().unwrap_or_default();
                Reply::json(StatusCode::OK, &links)
            }
            Command::CreateLink(id, other) => {
                if !state.customers.contains_key(&id) {
                    return not_found(format!("customer {id} not found"));
                }
                if !state.customers.contains_key(&other) {
                    return not_found(format!("customer {other} not found"));
                }
                if id == other {
                    return conflict("LINK_TO_SELF", "a customer cannot be linked to itself");
                }
                let links = state.links.get(&id);
                if links.is_some_and(|l| l.iter().any(|l| l.customer_id.as_ref() == Some(&other))) {
                    return conflict("LINK_EXISTS", "the customers are already linked");
                }
                let link_id = state.next_link.to_string();
                state.next_link += 1;
                state
                    .links
                    .entry(id.clone())
                    .or_default()
                    .push(types::LinkedCustomer {
                        customer_id: Some(other.clone()),
                        id: Some(link_id.clone()),
                        type_: Some(types::LinkedCustomerType::from("CUSTOMER_LINK")),
                    });
                effect(
                    ops::CREATE_LINKED_CUSTOMER_USING_POST.operation_id,
                    format!("{id}->{other}"),
                );
                resource(StatusCode::CREATED, "Customer link created", &link_id)
            }
            Command::DeleteLink(id, link_id) => {
                if !state.customers.contains_key(&id) {
                    return not_found(format!("customer {id} not found"));
                }
                let links = state.links.entry(id.clone()).or_default();
                let Some(at) = links.iter().position(|l| l.id.as_deref() == Some(&link_id)) else {
                    return not_found(format!("link {link_id} not found"));
                };
                links.remove(at);
                effect(
                    ops::DELETE_LINKED_CUSTOMER_USING_DELETE.operation_id,
                    format!("{id}/link/{link_id}"),
                );
                // Enfuce documents 201 for a deleted link.
                resource(StatusCode::CREATED, "Customer link deleted", &link_id)
            }
        }
    }

    fn server_error(status: StatusCode) -> Reply {
        error(
            status,
            Some(types::ErrorResponseErrorType::UnexpectedError),
            "UNEXPECTED_ERROR",
            "simulated server error",
        )
    }

    fn too_many_requests(_reset_secs: u64, _limit_header: &str) -> Reply {
        // Enfuce documents the 429 but no rate-limit headers.
        error(
            StatusCode::TOO_MANY_REQUESTS,
            None,
            "TOO_MANY_REQUESTS",
            "rate limit exceeded",
        )
    }

    fn too_large() -> Reply {
        bad_request("the request body is too large")
    }
}

impl State {
    fn new_customer_id(&mut self) -> String {
        let id = self.next_customer.to_string();
        self.next_customer += 1;
        id
    }

    /// Whether another customer than `except` has `number`.
    /// The checks both update routes share (customer number free, customer exists, right
    /// role), then `apply`.
    fn update(
        &mut self,
        id: &str,
        new_number: Option<&str>,
        role: types::Role,
        apply: impl FnOnce(&mut types::Customer),
    ) -> Result<(), Reply> {
        if let Some(number) = new_number
            && self.number_taken(number, Some(id))
        {
            return Err(conflict(
                "CUSTOMER_NUMBER_EXISTS",
                "customerNumber is already in use",
            ));
        }
        let Some(customer) = self.customers.get_mut(id) else {
            return Err(not_found(format!("customer {id} not found")));
        };
        if customer.role.as_ref() != Some(&role) {
            return Err(conflict(
                "ROLE_MISMATCH",
                format!(
                    "the customer is not a {} customer",
                    role.as_str().to_ascii_lowercase()
                ),
            ));
        }
        apply(customer);
        Ok(())
    }

    fn number_taken(&self, number: &str, except: Option<&str>) -> bool {
        self.customers
            .iter()
            .any(|(id, c)| c.customer_number == number && Some(id.as_str()) != except)
    }
}

fn parse<T: serde::de::DeserializeOwned + serde::Serialize>(body: &[u8]) -> Result<T, Reply> {
    strict_json(body).map_err(|e| bad_request(format!("invalid request body: {e}")))
}

/// The spec's `maxLength` (it sets no `minLength` and no pattern on these fields; the
/// vendor's prose mentions `[A-Za-z0-9-]{1,64}` for customerNumber, its spec does not).
fn check_len(field: &str, value: Option<&String>, max: usize) -> Result<(), Reply> {
    match value {
        Some(v) if v.chars().count() > max => Err(bad_request(format!(
            "{field} must be at most {max} characters"
        ))),
        _ => Ok(()),
    }
}

/// The generated enums are open (they accept unknown values); the provider is not.
fn check_enums(
    locale: Option<&types::Locale>,
    risk_score: Option<&types::RiskScore>,
) -> Result<(), Reply> {
    if let Some(locale) = locale.filter(|l| l.is_unknown()) {
        return Err(bad_request(format!("locale {locale} is not supported")));
    }
    if let Some(risk) = risk_score.filter(|r| r.is_unknown()) {
        return Err(bad_request(format!("riskScore {risk} is not supported")));
    }
    Ok(())
}

fn private_customer(id: String, c: types::CreatePrivateCustomer) -> types::Customer {
    types::Customer {
        additional_values: c.additional_values,
        address: Some(c.address),
        bankruptcy_date: None,
        birth_country: c.birth_country,
        customer_number: c.customer_number,
        customer_representative: None,
        date_of_birth: c.date_of_birth,
        deceased_date: None,
        email: c.email,
        first_name: Some(c.first_name),
        id: Some(id),
        last_name: Some(c.last_name),
        locale: c.locale,
        middle_name: c.middle_name,
        mobile_number: c.mobile_number,
        name: None,
        nationality: c.nationality,
        phone_number: c.phone_number,
        reg_no: Some(c.reg_no),
        registration: None,
        risk_score: c.risk_score,
        role: Some(types::Role::Private),
        salutation: c.salutation,
        screening: c.screening,
        temporary_address: c.temporary_address,
    }
}

fn corporate_customer(id: String, c: types::CreateCorporateCustomer) -> types::Customer {
    types::Customer {
        additional_values: c.additional_values,
        address: Some(c.address),
        bankruptcy_date: None,
        birth_country: None,
        customer_number: c.customer_number,
        customer_representative: c.customer_representative,
        date_of_birth: None,
        deceased_date: None,
        email: c.email,
        first_name: None,
        id: Some(id),
        last_name: None,
        locale: c.locale,
        middle_name: None,
        mobile_number: c.mobile_number,
        name: Some(c.name),
        nationality: Vec::new(),
        phone_number: c.phone_number,
        reg_no: Some(c.reg_no),
        registration: c.registration,
        risk_score: c.risk_score,
        role: Some(types::Role::Corporate),
        salutation: None,
        screening: c.screening,
        temporary_address: c.temporary_address,
    }
}

/// Overwrites the fields `from` sets.
macro_rules! merge {
    ($to:ident, $from:ident: $($field:ident),+ $(,)?) => {
        $( if $from.$field.is_some() { $to.$field = $from.$field; } )+
    };
}

fn update_private(c: &mut types::Customer, u: types::UpdatePrivateCustomer) {
    merge!(c, u: address, birth_country, date_of_birth, deceased_date, email, first_name,
        last_name, middle_name, mobile_number, phone_number, reg_no, risk_score, salutation,
        screening, temporary_address);
    if let Some(number) = u.customer_number {
        c.customer_number = number;
    }
    if let Some(locale) = u.locale {
        c.locale = locale;
    }
    if !u.nationality.is_empty() {
        c.nationality = u.nationality;
    }
    if !u.additional_values.is_empty() {
        c.additional_values = u.additional_values;
    }
}

fn update_corporate(c: &mut types::Customer, u: types::UpdateCorporateCustomer) {
    merge!(c, u: address, bankruptcy_date, customer_representative, email, mobile_number, name,
        phone_number, reg_no, registration, risk_score, screening, temporary_address);
    if let Some(number) = u.customer_number {
        c.customer_number = number;
    }
    if let Some(locale) = u.locale {
        c.locale = locale;
    }
    if !u.additional_values.is_empty() {
        c.additional_values = u.additional_values;
    }
}
