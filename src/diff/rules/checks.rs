//! One check function per rule. Each looks at one [`Change`] and returns the
//! message detail when its rule applies. Levels live in the registry, not here.

use crate::diff::Direction;
use crate::diff::compare::{Change, Delta, Scope};
use crate::diff::schema::{Comp, Effect, SchemaChange as S};

type Out = Option<String>;

fn req(c: &Change) -> bool {
    c.direction == Direction::Request
}

fn resp(c: &Change) -> bool {
    c.direction == Direction::Response
}

/// Parameter schema changes that have a `request-parameter-*` rule; the
/// others fall back to the `request-property-*` rules.
fn param_specific(s: &S) -> bool {
    matches!(
        s,
        S::TypeChanged { .. }
            | S::EnumValueRemoved(_)
            | S::EnumValueAdded(_)
            | S::BecameEnum
            | S::DefaultChanged { .. }
            | S::Constraint { .. }
            | S::PatternChanged { .. }
            | S::NullableChanged { .. }
    )
}

/// A schema change in a request parameter.
fn param(c: &Change) -> Option<&S> {
    match &c.delta {
        Delta::Schema(s) if req(c) && c.scope == Scope::Parameter && param_specific(s) => Some(s),
        _ => None,
    }
}

/// A schema change in a request body (or a parameter, for changes without a
/// parameter-specific rule).
fn req_prop(c: &Change) -> Option<&S> {
    match &c.delta {
        Delta::Schema(s)
            if req(c)
                && (c.scope == Scope::Body
                    || c.scope == Scope::Parameter && !param_specific(s)) =>
        {
            Some(s)
        }
        _ => None,
    }
}

/// A schema change in a response body (or a header, except type changes).
fn resp_prop(c: &Change) -> Option<&S> {
    match &c.delta {
        Delta::Schema(s)
            if resp(c)
                && (c.scope == Scope::Body
                    || c.scope == Scope::Header && !matches!(s, S::TypeChanged { .. })) =>
        {
            Some(s)
        }
        _ => None,
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

/// Whether the last location segment names an identifier (`id`, `cardId`, `card_id`).
fn id_like(location: &str) -> bool {
    let last = location.rsplit(['.', '[', '<']).next().unwrap_or(location);
    last.eq_ignore_ascii_case("id")
        || last.ends_with("Id")
        || last.ends_with("ID")
        || last.ends_with("_id")
}

fn single(t: &str, prefixes: &[&str]) -> bool {
    !t.contains('|') && prefixes.iter().any(|p| t.split('/').next() == Some(p))
}

fn id_became_numeric(c: &Change) -> bool {
    match &c.delta {
        Delta::Schema(S::TypeChanged { from, to }) => {
            resp(c)
                && single(from, &["string"])
                && !from.contains("(enum)")
                && single(to, &["integer", "number"])
                && id_like(&c.location)
        }
        _ => false,
    }
}

// ---- operations, paths and the spec as a whole ----

pub fn api_removed_without_deprecation(c: &Change) -> Out {
    matches!(
        c.delta,
        Delta::OperationRemoved {
            deprecated: false,
            path_removed: false,
            unstable: false,
            ..
        }
    )
    .then(|| "operation removed without prior deprecation".into())
}

pub fn api_path_removed_without_deprecation(c: &Change) -> Out {
    matches!(
        c.delta,
        Delta::OperationRemoved {
            deprecated: false,
            path_removed: true,
            unstable: false,
            ..
        }
    )
    .then(|| "path removed without prior deprecation".into())
}

pub fn api_removed_with_deprecation(c: &Change) -> Out {
    matches!(
        c.delta,
        Delta::OperationRemoved {
            deprecated: true,
            before_sunset: None,
            unstable: false,
            ..
        }
    )
    .then(|| "deprecated operation removed (its generated method disappears)".into())
}

pub fn api_removed_before_sunset(c: &Change) -> Out {
    match &c.delta {
        Delta::OperationRemoved {
            deprecated: true,
            before_sunset: Some(d),
            unstable: false,
            ..
        } => Some(format!(
            "deprecated operation removed before its sunset date {d}"
        )),
        _ => None,
    }
}

pub fn api_unstable_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::OperationRemoved { unstable: true, .. })
        .then(|| "draft or alpha operation removed (allowed by its x-stability-level)".into())
}

pub fn api_path_changed(c: &Change) -> Out {
    match &c.delta {
        Delta::PathChanged { from, to } => Some(format!("operation moved from {from} to {to}")),
        _ => None,
    }
}

pub fn endpoint_added(c: &Change) -> Out {
    matches!(c.delta, Delta::OperationAdded).then(|| "operation added".into())
}

pub fn api_operation_id_changed(c: &Change) -> Out {
    match &c.delta {
        Delta::OperationIdChanged { from, to } => Some(format!(
            "operationId changed from {} to {} (the generated method is renamed)",
            opt(from),
            opt(to)
        )),
        _ => None,
    }
}

pub fn api_tag_removed(c: &Change) -> Out {
    match &c.delta {
        Delta::TagRemoved(t) => Some(format!("tag {t} removed")),
        _ => None,
    }
}

pub fn api_security_added(c: &Change) -> Out {
    match &c.delta {
        Delta::SecurityAdded(s) => {
            Some(format!("security requirement added or tightened: now {s}"))
        }
        _ => None,
    }
}

pub fn api_security_scheme_changed(c: &Change) -> Out {
    match &c.delta {
        Delta::SecuritySchemeChanged(s) => Some(format!("security scheme changed: {s}")),
        _ => None,
    }
}

pub fn api_schema_removed(c: &Change) -> Out {
    match &c.delta {
        Delta::SchemaRemoved(n) => Some(format!(
            "component schema {n} removed (its generated type disappears)"
        )),
        _ => None,
    }
}

pub fn api_schema_renamed(c: &Change) -> Out {
    match &c.delta {
        Delta::SchemaRenamed { from, to } => Some(format!(
            "component schema {from} renamed to {to} (the generated type is renamed)"
        )),
        _ => None,
    }
}

pub fn api_server_url_changed(c: &Change) -> Out {
    match &c.delta {
        Delta::ServerRemoved(u) => Some(format!("server URL {u} removed or changed")),
        _ => None,
    }
}

pub fn webhook_removed(c: &Change) -> Out {
    match &c.delta {
        Delta::WebhookRemoved(n) => Some(format!("webhook {n} removed")),
        _ => None,
    }
}

pub fn api_stability_decreased(c: &Change) -> Out {
    match &c.delta {
        Delta::StabilityDecreased { from, to } => {
            Some(format!("stability decreased from {from} to {to}"))
        }
        _ => None,
    }
}

pub fn api_sunset_date_changed_too_small(c: &Change) -> Out {
    match &c.delta {
        Delta::SunsetEarlier { from, to } if c.scope == Scope::Operation => {
            Some(format!("sunset date moved earlier from {from} to {to}"))
        }
        _ => None,
    }
}

pub fn sunset_deleted(c: &Change) -> Out {
    match &c.delta {
        Delta::SunsetDeleted(d) if c.scope == Scope::Operation => Some(format!(
            "sunset date {d} deleted from a deprecated operation"
        )),
        _ => None,
    }
}

pub fn api_remote_ref_not_followed(c: &Change) -> Out {
    match &c.delta {
        Delta::RemoteRefNotFollowed(url) => Some(format!(
            "remote $ref {url:?} is not followed: what it points to is not compared"
        )),
        _ => None,
    }
}

pub fn api_major_version_not_bumped(c: &Change) -> Out {
    match &c.delta {
        Delta::MajorVersionNotBumped { from, to } => Some(format!(
            "breaking changes but info.version went from {from} to {to} without a major bump"
        )),
        _ => None,
    }
}

pub fn spec_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::SpecRemoved)
        .then(|| "spec removed (its generated client module disappears)".into())
}

pub fn spec_added(c: &Change) -> Out {
    matches!(c.delta, Delta::SpecAdded).then(|| "spec added".into())
}

// ---- request parameters ----

pub fn request_path_parameter_renamed(c: &Change) -> Out {
    match &c.delta {
        Delta::PathParamRenamed { from, to } => {
            Some(format!("path parameter {from} renamed to {to}"))
        }
        _ => None,
    }
}

pub fn new_required_request_parameter(c: &Change) -> Out {
    match &c.delta {
        Delta::ParamAdded {
            required: true,
            path_level,
        } => Some(if *path_level {
            "required parameter added at path level".into()
        } else {
            "required parameter added".into()
        }),
        _ => None,
    }
}

pub fn new_request_path_parameter(c: &Change) -> Out {
    matches!(c.delta, Delta::PathParamAdded).then(|| "path parameter added".into())
}

pub fn new_optional_request_parameter(c: &Change) -> Out {
    matches!(
        c.delta,
        Delta::ParamAdded {
            required: false,
            ..
        }
    )
    .then(|| "optional parameter added (a new positional argument)".into())
}

pub fn request_parameter_removed(c: &Change) -> Out {
    match &c.delta {
        Delta::ParamRemoved {
            deprecated,
            before_sunset: None,
        } => Some(if *deprecated {
            "deprecated parameter removed".into()
        } else {
            "parameter removed".into()
        }),
        _ => None,
    }
}

pub fn request_parameter_became_required(c: &Change) -> Out {
    matches!(c.delta, Delta::ParamRequiredChanged { now: true })
        .then(|| "parameter became required".into())
}

pub fn request_parameter_became_optional(c: &Change) -> Out {
    matches!(c.delta, Delta::ParamRequiredChanged { now: false })
        .then(|| "parameter became optional (T becomes Option<T>)".into())
}

pub fn request_parameter_type_changed(c: &Change) -> Out {
    match param(c)? {
        S::TypeChanged { from, to } => Some(format!("type changed from {from} to {to}")),
        _ => None,
    }
}

pub fn request_parameter_enum_value_removed(c: &Change) -> Out {
    match param(c)? {
        S::EnumValueRemoved(v) => Some(format!("enum value {v} removed")),
        _ => None,
    }
}

pub fn request_parameter_enum_value_added(c: &Change) -> Out {
    match param(c)? {
        S::EnumValueAdded(v) => Some(format!("enum value {v} added")),
        _ => None,
    }
}

pub fn request_parameter_became_enum(c: &Change) -> Out {
    matches!(param(c)?, S::BecameEnum).then(|| "restricted to an enum".into())
}

pub fn request_parameter_default_value_changed(c: &Change) -> Out {
    match param(c)? {
        S::DefaultChanged { from, to } => {
            Some(format!("default changed from {} to {}", opt(from), opt(to)))
        }
        _ => None,
    }
}

fn constraint(s: &S, want: Effect) -> Out {
    match s {
        S::Constraint {
            keyword,
            from,
            to,
            effect,
        } if *effect == want => Some(match want {
            Effect::Set => format!("{keyword} set to {}", opt(to)),
            _ => format!("{keyword} changed from {} to {}", opt(from), opt(to)),
        }),
        _ => None,
    }
}

pub fn request_parameter_constraint_tightened(c: &Change) -> Out {
    constraint(param(c)?, Effect::Tightened)
}

pub fn request_parameter_constraint_set(c: &Change) -> Out {
    constraint(param(c)?, Effect::Set)
}

fn pattern_changed(s: &S) -> Out {
    match s {
        S::PatternChanged { from, to } => Some(format!("pattern changed from {from} to {to}")),
        _ => None,
    }
}

pub fn request_parameter_pattern_changed(c: &Change) -> Out {
    pattern_changed(param(c)?)
}

pub fn request_parameter_became_not_nullable(c: &Change) -> Out {
    matches!(param(c)?, S::NullableChanged { now: false }).then(|| "became not nullable".into())
}

pub fn request_parameter_became_nullable(c: &Change) -> Out {
    matches!(param(c)?, S::NullableChanged { now: true })
        .then(|| "became nullable (the argument T becomes Option<T>)".into())
}

pub fn request_parameter_serialization_changed(c: &Change) -> Out {
    match &c.delta {
        Delta::ParamSerializationChanged { from, to } => {
            Some(format!("serialization changed from {from} to {to}"))
        }
        _ => None,
    }
}

// ---- request bodies ----

pub fn request_body_added_required(c: &Change) -> Out {
    matches!(c.delta, Delta::BodyAdded { required: true })
        .then(|| "required request body added".into())
}

pub fn request_body_added_optional(c: &Change) -> Out {
    matches!(c.delta, Delta::BodyAdded { required: false })
        .then(|| "optional request body added (a new body argument)".into())
}

pub fn request_body_became_required(c: &Change) -> Out {
    matches!(c.delta, Delta::BodyBecameRequired).then(|| "request body became required".into())
}

pub fn request_body_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::BodyRemoved).then(|| "request body removed".into())
}

pub fn request_body_media_type_removed(c: &Change) -> Out {
    match &c.delta {
        Delta::MediaTypeRemoved(m) if req(c) => Some(format!("media type {m} removed")),
        _ => None,
    }
}

pub fn request_body_wrapped_in_one_of(c: &Change) -> Out {
    (req(c) && matches!(c.delta, Delta::Schema(S::WrappedInOneOf)))
        .then(|| "body schema wrapped in oneOf".into())
}

pub fn new_required_request_property(c: &Change) -> Out {
    matches!(req_prop(c)?, S::PropertyAdded { required: true })
        .then(|| "required property added".into())
}

pub fn new_optional_request_property(c: &Change) -> Out {
    matches!(req_prop(c)?, S::PropertyAdded { required: false })
        .then(|| "optional property added".into())
}

pub fn request_property_became_required(c: &Change) -> Out {
    matches!(req_prop(c)?, S::RequiredChanged { now: true })
        .then(|| "property became required".into())
}

pub fn request_property_became_optional(c: &Change) -> Out {
    matches!(req_prop(c)?, S::RequiredChanged { now: false })
        .then(|| "property became optional (T becomes Option<T>)".into())
}

pub fn request_property_removed(c: &Change) -> Out {
    matches!(
        req_prop(c)?,
        S::PropertyRemoved {
            before_sunset: None,
            ..
        }
    )
    .then(|| "property removed".into())
}

pub fn request_property_type_changed(c: &Change) -> Out {
    match req_prop(c)? {
        S::TypeChanged { from, to } => Some(format!("type changed from {from} to {to}")),
        _ => None,
    }
}

pub fn request_property_enum_value_removed(c: &Change) -> Out {
    match req_prop(c)? {
        S::EnumValueRemoved(v) => Some(format!("enum value {v} removed")),
        _ => None,
    }
}

pub fn request_property_enum_value_added(c: &Change) -> Out {
    match req_prop(c)? {
        S::EnumValueAdded(v) => Some(format!("enum value {v} added")),
        _ => None,
    }
}

pub fn request_property_became_enum(c: &Change) -> Out {
    matches!(req_prop(c)?, S::BecameEnum).then(|| "restricted to an enum".into())
}

pub fn request_property_became_not_nullable(c: &Change) -> Out {
    matches!(req_prop(c)?, S::NullableChanged { now: false }).then(|| "became not nullable".into())
}

pub fn request_property_became_nullable(c: &Change) -> Out {
    matches!(req_prop(c)?, S::NullableChanged { now: true })
        .then(|| "became nullable (T becomes Option<T>)".into())
}

fn variant(s: &S, added: bool, want: Comp) -> Out {
    match s {
        S::VariantAdded { comp, label } if added && *comp == want => {
            Some(format!("{} subschema {label} added", comp.as_str()))
        }
        S::VariantRemoved { comp, label } if !added && *comp == want => {
            Some(format!("{} subschema {label} removed", comp.as_str()))
        }
        _ => None,
    }
}

pub fn request_property_one_of_removed(c: &Change) -> Out {
    variant(req_prop(c)?, false, Comp::OneOf)
}

pub fn request_property_one_of_added(c: &Change) -> Out {
    variant(req_prop(c)?, true, Comp::OneOf)
}

pub fn request_property_any_of_removed(c: &Change) -> Out {
    variant(req_prop(c)?, false, Comp::AnyOf)
}

pub fn request_property_any_of_added(c: &Change) -> Out {
    variant(req_prop(c)?, true, Comp::AnyOf)
}

pub fn request_property_all_of_added(c: &Change) -> Out {
    variant(req_prop(c)?, true, Comp::AllOf)
}

pub fn request_property_all_of_removed(c: &Change) -> Out {
    variant(req_prop(c)?, false, Comp::AllOf)
}

pub fn request_property_discriminator_changed(c: &Change) -> Out {
    match req_prop(c)? {
        S::DiscriminatorChanged(d) => Some(format!("discriminator: {d}")),
        _ => None,
    }
}

pub fn request_property_constraint_tightened(c: &Change) -> Out {
    constraint(req_prop(c)?, Effect::Tightened)
}

pub fn request_property_constraint_set(c: &Change) -> Out {
    constraint(req_prop(c)?, Effect::Set)
}

pub fn request_property_pattern_changed(c: &Change) -> Out {
    pattern_changed(req_prop(c)?)
}

pub fn request_property_became_read_only(c: &Change) -> Out {
    matches!(req_prop(c)?, S::BecameReadOnly).then(|| "property became readOnly".into())
}

pub fn request_property_additional_properties_closed(c: &Change) -> Out {
    matches!(req_prop(c)?, S::AdditionalPropertiesClosed)
        .then(|| "additionalProperties set to false (extra keys are rejected)".into())
}

pub fn request_property_default_value_changed(c: &Change) -> Out {
    match req_prop(c)? {
        S::DefaultChanged { from, to } => {
            Some(format!("default changed from {} to {}", opt(from), opt(to)))
        }
        _ => None,
    }
}

// ---- responses ----

pub fn response_success_status_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::StatusRemoved { success: true })
        .then(|| "success status removed".into())
}

pub fn response_non_success_status_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::StatusRemoved { success: false })
        .then(|| "error status removed (its typed-error variant disappears)".into())
}

pub fn response_success_status_added(c: &Change) -> Out {
    matches!(c.delta, Delta::StatusAdded { success: true })
        .then(|| "success status added (older clients treat it as unexpected)".into())
}

pub fn response_non_success_status_added(c: &Change) -> Out {
    matches!(c.delta, Delta::StatusAdded { success: false }).then(|| "error status added".into())
}

pub fn response_media_type_removed(c: &Change) -> Out {
    match &c.delta {
        Delta::MediaTypeRemoved(m) if resp(c) => Some(format!("media type {m} removed")),
        _ => None,
    }
}

pub fn response_body_wrapped_in_one_of(c: &Change) -> Out {
    (resp(c) && matches!(c.delta, Delta::Schema(S::WrappedInOneOf)))
        .then(|| "body schema wrapped in oneOf".into())
}

pub fn response_required_property_removed(c: &Change) -> Out {
    matches!(
        resp_prop(c)?,
        S::PropertyRemoved {
            required: true,
            before_sunset: None,
        }
    )
    .then(|| "required property removed".into())
}

pub fn response_optional_property_removed(c: &Change) -> Out {
    matches!(
        resp_prop(c)?,
        S::PropertyRemoved {
            required: false,
            before_sunset: None,
        }
    )
    .then(|| "optional property removed".into())
}

pub fn response_property_became_optional(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::RequiredChanged { now: false }).then(|| {
        "property became optional (T becomes Option<T>; old clients fail when it is absent)".into()
    })
}

pub fn response_property_became_required(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::RequiredChanged { now: true })
        .then(|| "property became required (Option<T> becomes T)".into())
}

pub fn response_property_became_nullable(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::NullableChanged { now: true }).then(|| "became nullable".into())
}

pub fn response_property_became_not_nullable(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::NullableChanged { now: false })
        .then(|| "became not nullable (Option<T> may become T)".into())
}

pub fn response_property_type_changed(c: &Change) -> Out {
    if id_became_numeric(c) {
        return None;
    }
    match resp_prop(c)? {
        S::TypeChanged { from, to } => Some(format!("type changed from {from} to {to}")),
        _ => None,
    }
}

pub fn response_property_id_became_numeric(c: &Change) -> Out {
    match &c.delta {
        Delta::Schema(S::TypeChanged { from, to })
            if id_became_numeric(c) && c.scope == Scope::Body =>
        {
            Some(format!(
                "identifier type changed from {from} to {to} (deployed clients still decode it)"
            ))
        }
        _ => None,
    }
}

pub fn response_property_enum_value_added(c: &Change) -> Out {
    match resp_prop(c)? {
        S::EnumValueAdded(v) => Some(format!("enum value {v} added")),
        _ => None,
    }
}

pub fn response_property_enum_value_removed(c: &Change) -> Out {
    match resp_prop(c)? {
        S::EnumValueRemoved(v) => Some(format!("enum value {v} removed")),
        _ => None,
    }
}

pub fn response_property_became_enum(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::BecameEnum)
        .then(|| "restricted to an enum (String becomes an enum type)".into())
}

pub fn response_property_one_of_added(c: &Change) -> Out {
    variant(resp_prop(c)?, true, Comp::OneOf)
}

pub fn response_property_one_of_removed(c: &Change) -> Out {
    variant(resp_prop(c)?, false, Comp::OneOf)
}

pub fn response_property_any_of_added(c: &Change) -> Out {
    variant(resp_prop(c)?, true, Comp::AnyOf)
}

pub fn response_property_any_of_removed(c: &Change) -> Out {
    variant(resp_prop(c)?, false, Comp::AnyOf)
}

pub fn response_property_all_of_added(c: &Change) -> Out {
    variant(resp_prop(c)?, true, Comp::AllOf)
}

pub fn response_property_all_of_removed(c: &Change) -> Out {
    variant(resp_prop(c)?, false, Comp::AllOf)
}

pub fn response_property_discriminator_changed(c: &Change) -> Out {
    match resp_prop(c)? {
        S::DiscriminatorChanged(d) => Some(format!("discriminator: {d}")),
        _ => None,
    }
}

pub fn response_required_property_added(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::PropertyAdded { required: true })
        .then(|| "required property added".into())
}

pub fn response_optional_property_added(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::PropertyAdded { required: false })
        .then(|| "optional property added".into())
}

pub fn response_required_header_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::HeaderRemoved { required: true })
        .then(|| "required header removed".into())
}

pub fn response_optional_header_removed(c: &Change) -> Out {
    matches!(c.delta, Delta::HeaderRemoved { required: false })
        .then(|| "optional header removed".into())
}

pub fn response_header_became_optional(c: &Change) -> Out {
    matches!(c.delta, Delta::HeaderBecameOptional).then(|| "header became optional".into())
}

pub fn response_header_type_changed(c: &Change) -> Out {
    match &c.delta {
        Delta::Schema(S::TypeChanged { from, to }) if resp(c) && c.scope == Scope::Header => {
            Some(format!("header type changed from {from} to {to}"))
        }
        _ => None,
    }
}

pub fn response_property_constraint_loosened(c: &Change) -> Out {
    constraint(resp_prop(c)?, Effect::Loosened)
}

pub fn response_property_pattern_changed(c: &Change) -> Out {
    pattern_changed(resp_prop(c)?)
}

pub fn response_property_became_write_only(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::BecameWriteOnly).then(|| "property became writeOnly".into())
}

pub fn response_property_additional_properties_opened(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::AdditionalPropertiesOpened).then(|| {
        "additionalProperties: false lifted (generated structs deny unknown fields)".into()
    })
}

// ---- JSON Schema 2020-12 keywords, const, content, deprecation ----

fn keyword(s: &S, want: Effect) -> Out {
    match s {
        S::Keyword { detail, effect, .. } if *effect == want => Some(detail.clone()),
        _ => None,
    }
}

pub fn request_property_keyword_constraint_added(c: &Change) -> Out {
    keyword(req_prop(c)?, Effect::Set)
}

pub fn request_property_keyword_constraint_changed(c: &Change) -> Out {
    keyword(req_prop(c)?, Effect::Tightened)
}

pub fn response_property_keyword_constraint_removed(c: &Change) -> Out {
    keyword(resp_prop(c)?, Effect::Loosened)
}

pub fn response_property_keyword_constraint_changed(c: &Change) -> Out {
    keyword(resp_prop(c)?, Effect::Tightened)
}

pub fn request_property_const_changed(c: &Change) -> Out {
    match req_prop(c)? {
        S::ConstChanged { from, to: Some(to) } => {
            Some(format!("const changed from {} to {to}", opt(from)))
        }
        _ => None,
    }
}

pub fn response_property_const_changed(c: &Change) -> Out {
    match resp_prop(c)? {
        S::ConstChanged { from, to } => {
            Some(format!("const changed from {} to {}", opt(from), opt(to)))
        }
        _ => None,
    }
}

fn content_changed(s: &S) -> Out {
    match s {
        S::ContentChanged { keyword, from, to } => Some(format!(
            "{keyword} changed from {} to {}",
            opt(from),
            opt(to)
        )),
        _ => None,
    }
}

pub fn request_property_content_changed(c: &Change) -> Out {
    content_changed(req_prop(c)?)
}

pub fn response_property_content_changed(c: &Change) -> Out {
    content_changed(resp_prop(c)?)
}

pub fn request_body_media_type_schema_added(c: &Change) -> Out {
    match &c.delta {
        Delta::MediaSchemaAdded(m) if req(c) => Some(format!("media type {m} gained a schema")),
        _ => None,
    }
}

pub fn response_media_type_schema_added(c: &Change) -> Out {
    match &c.delta {
        Delta::MediaSchemaAdded(m) if resp(c) => Some(format!("media type {m} gained a schema")),
        _ => None,
    }
}

pub fn request_parameter_deprecated(c: &Change) -> Out {
    matches!(c.delta, Delta::ParamDeprecated).then(|| "parameter deprecated".into())
}

pub fn request_parameter_removed_before_sunset(c: &Change) -> Out {
    match &c.delta {
        Delta::ParamRemoved {
            before_sunset: Some(date),
            ..
        } => Some(format!("parameter removed before its x-sunset date {date}")),
        _ => None,
    }
}

pub fn request_property_deprecated(c: &Change) -> Out {
    matches!(req_prop(c)?, S::BecameDeprecated).then(|| "deprecated".into())
}

pub fn response_property_deprecated(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::BecameDeprecated).then(|| "deprecated".into())
}

pub fn request_parameter_reactivated(c: &Change) -> Out {
    matches!(c.delta, Delta::ParamReactivated).then(|| "parameter no longer deprecated".into())
}

pub fn request_parameter_sunset_date_changed_too_small(c: &Change) -> Out {
    match &c.delta {
        Delta::SunsetEarlier { from, to } if c.scope == Scope::Parameter => Some(format!(
            "parameter sunset date moved earlier from {from} to {to}"
        )),
        _ => None,
    }
}

pub fn request_parameter_sunset_deleted(c: &Change) -> Out {
    match &c.delta {
        Delta::SunsetDeleted(d) if c.scope == Scope::Parameter => Some(format!(
            "sunset date {d} deleted from a deprecated parameter"
        )),
        _ => None,
    }
}

fn removed_before_sunset(s: &S) -> Out {
    match s {
        S::PropertyRemoved {
            before_sunset: Some(d),
            ..
        } => Some(format!("property removed before its sunset date {d}")),
        _ => None,
    }
}

pub fn request_property_removed_before_sunset(c: &Change) -> Out {
    removed_before_sunset(req_prop(c)?)
}

pub fn response_property_removed_before_sunset(c: &Change) -> Out {
    removed_before_sunset(resp_prop(c)?)
}

fn stability_decreased(s: &S) -> Out {
    match s {
        S::StabilityDecreased { from, to } => {
            Some(format!("stability decreased from {from} to {to}"))
        }
        _ => None,
    }
}

pub fn request_property_stability_decreased(c: &Change) -> Out {
    stability_decreased(req_prop(c)?)
}

pub fn response_property_stability_decreased(c: &Change) -> Out {
    stability_decreased(resp_prop(c)?)
}

pub fn request_property_reactivated(c: &Change) -> Out {
    matches!(req_prop(c)?, S::Reactivated).then(|| "no longer deprecated".into())
}

pub fn response_property_reactivated(c: &Change) -> Out {
    matches!(resp_prop(c)?, S::Reactivated).then(|| "no longer deprecated".into())
}
