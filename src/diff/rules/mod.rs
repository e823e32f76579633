//! The rule registry: every rule's id, default level, direction, catalogue
//! row (section 9 of the breaking-changes reference), its mirror on the other
//! side of the request/response axis (or the reason it has none) and its check.
//!
//! Levels judge the effect on paysdk's generated client: progenitor 0.15
//! (positional methods named from `operationId`, `Option<T>` for optional
//! values, typify structs that deny unknown fields under
//! `additionalProperties: false`), open string enums with a catch-all variant,
//! response headers exposed untyped, and a typed-error layer with one variant
//! per documented status.

mod checks;

use super::Direction;
use super::compare::Change;
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Worth knowing; callers are unaffected.
    Info,
    /// May break some callers (compile-time or in some situations).
    Warn,
    /// Breaks callers.
    Err,
}

impl Level {
    /// `ERR`, `WARN` or `INFO`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Err => "ERR",
        }
    }

    /// Parses `err`, `warn`, `info` (any case).
    pub fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_uppercase().as_str() {
            "ERR" | "ERROR" => Some(Level::Err),
            "WARN" | "WARNING" => Some(Level::Warn),
            "INFO" => Some(Level::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule on the other side of the request/response axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mirror {
    /// The mirror rule's id.
    Rule(&'static str),
    /// Why there is no mirror.
    Waived(&'static str),
    /// Not directional (operation or spec level).
    NotApplicable,
}

/// A check: the message detail when the rule applies to a change.
pub type Check = fn(&Change) -> Option<String>;

/// One rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// Default level.
    pub level: Level,
    /// Request, response or neither.
    pub direction: Direction,
    /// Row of the catalogue (section 9) this rule implements; 0 = outside it
    /// (directory mode, input notes).
    pub row: u8,
    /// What it detects.
    pub title: &'static str,
    /// Effect on a paysdk caller (why this level).
    pub why: &'static str,
    /// Mirror rule or waiver.
    pub mirror: Mirror,
    /// The check.
    pub check: Check,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("level", &self.level)
            .finish()
    }
}

use Direction::{None as N, Request as Q, Response as P};
use Level::{Err as E, Info as I, Warn as W};
use Mirror::{NotApplicable as NA, Rule as M, Waived as X};

const NO_PARAMS: &str = "parameters exist only in requests";
const NO_STATUS: &str = "requests carry no status codes";
const HEADERS: &str = "request headers are parameters, covered by the request-parameter rules";

macro_rules! rules {
    ($( $id:literal $lvl:ident $dir:ident $row:literal $mirror:expr, $check:ident, $title:literal, $why:literal; )*) => {
        /// All rules, in catalogue order.
        pub static RULES: &[Rule] = &[
            $( Rule {
                id: $id,
                level: $lvl,
                direction: $dir,
                row: $row,
                title: $title,
                why: $why,
                mirror: $mirror,
                check: checks::$check,
            }, )*
        ];
    };
}

rules! {
    "api-removed-without-deprecation" E N 1 NA, api_removed_without_deprecation,
        "Operation removed without deprecation", "Method disappears (build) and calls get 404 (wire).";
    "api-path-removed-without-deprecation" E N 1 NA, api_path_removed_without_deprecation,
        "Whole path removed without deprecation", "Methods disappear (build) and calls get 404 (wire).";
    "api-removed-with-deprecation" W N 2 NA, api_removed_with_deprecation,
        "Deprecated operation removed", "Announced, but the generated method still disappears (build).";
    "api-removed-before-sunset" E N 2 NA, api_removed_before_sunset,
        "Operation removed before its x-sunset date", "Breaks the provider's own deprecation promise.";
    "api-unstable-removed" W N 2 NA, api_unstable_removed,
        "Draft or alpha operation (x-stability-level) removed", "Allowed by the provider's stability policy, but the generated method still disappears (build).";
    "api-path-changed" E N 3 NA, api_path_changed,
        "Operation (same operationId) moved to another path or method", "Deployed clients call the old URL (wire).";
    "endpoint-added" I N 3 NA, endpoint_added,
        "Operation added", "New method; nothing existing changes.";
    "request-path-parameter-renamed" I Q 4 X(NO_PARAMS), request_path_parameter_renamed,
        "Path parameter renamed (same position)", "Positional arguments: only the argument's name changes.";
    "api-operation-id-changed" E N 5 NA, api_operation_id_changed,
        "operationId changed or removed", "Generated method is renamed: every caller fails to compile.";
    "api-tag-removed" I N 6 NA, api_tag_removed,
        "Tag removed from an operation", "paysdk's progenitor clients are not grouped by tag.";
    "new-required-request-parameter" E Q 7 X(NO_PARAMS), new_required_request_parameter,
        "Required query/header/cookie parameter added (also at path level)", "New positional argument (build) and old clients omit it (wire).";
    "new-request-path-parameter" E Q 8 X(NO_PARAMS), new_request_path_parameter,
        "Path parameter added", "New positional argument (build) and a different URL (wire).";
    "new-optional-request-parameter" W Q 9 X(NO_PARAMS), new_optional_request_parameter,
        "Optional parameter added", "Positional method style: a new Option<T> argument breaks compilation; wire-compatible.";
    "request-parameter-removed" W Q 10 X(NO_PARAMS), request_parameter_removed,
        "Parameter removed", "Argument disappears (build); servers usually ignore a stray parameter.";
    "request-parameter-became-required" E Q 11 X(NO_PARAMS), request_parameter_became_required,
        "Parameter became required", "Option<T> becomes T (build); old clients may omit it (wire).";
    "request-parameter-became-optional" W Q 12 X(NO_PARAMS), request_parameter_became_optional,
        "Parameter became optional", "T becomes Option<T> (build only).";
    "request-parameter-type-changed" E Q 13 X(NO_PARAMS), request_parameter_type_changed,
        "Parameter type or format changed (widening included)", "The Rust argument type changes (build) and values may be rejected (wire).";
    "request-parameter-enum-value-removed" E Q 14 X(NO_PARAMS), request_parameter_enum_value_removed,
        "Parameter enum value removed", "Variant disappears (build); the server rejects the value (wire).";
    "request-parameter-enum-value-added" I Q 15 X(NO_PARAMS), request_parameter_enum_value_added,
        "Parameter enum value added", "Callers construct request enums; they rarely match on them.";
    "request-parameter-became-enum" E Q 16 X(NO_PARAMS), request_parameter_became_enum,
        "Parameter restricted to an enum", "String becomes an enum type (build); other values rejected (wire).";
    "request-parameter-default-value-changed" W Q 17 X("a default only matters to the side that omits the value, the client, in requests"), request_parameter_default_value_changed,
        "Parameter default added, changed or removed", "Omitting the parameter now means something else (wire semantics).";
    "request-parameter-constraint-tightened" E Q 18 X(NO_PARAMS), request_parameter_constraint_tightened,
        "Parameter bound tightened or pattern added", "Values accepted before are now rejected (wire).";
    "request-parameter-constraint-set" W Q 18 X(NO_PARAMS), request_parameter_constraint_set,
        "Parameter bound set where there was none", "Some values accepted before may be rejected (wire).";
    "request-parameter-pattern-changed" W Q 18 X(NO_PARAMS), request_parameter_pattern_changed,
        "Parameter pattern changed", "Cannot tell whether the new pattern accepts the old values.";
    "request-parameter-became-not-nullable" E Q 19 X(NO_PARAMS), request_parameter_became_not_nullable,
        "Parameter became non-nullable", "null is now rejected (wire).";
    "request-parameter-became-nullable" W Q 19 X(NO_PARAMS), request_parameter_became_nullable,
        "Parameter became nullable", "The generated argument T becomes Option<T> (build only); values sent before stay valid.";
    "request-parameter-serialization-changed" E Q 20 X(NO_PARAMS), request_parameter_serialization_changed,
        "Parameter style/explode changed", "Deployed clients serialise it the old way (wire).";
    "request-body-added-required" E Q 21 X("responses have no 'required' body; added response bodies are harmless"), request_body_added_required,
        "Required request body added", "New body argument (build); old clients send none (wire).";
    "request-body-added-optional" W Q 21 X("responses have no 'required' body; added response bodies are harmless"), request_body_added_optional,
        "Optional request body added", "progenitor takes the body as a positional argument (build only).";
    "request-body-became-required" E Q 22 X("response bodies have no 'required' flag"), request_body_became_required,
        "Request body became required", "Old clients that omit the body are rejected (wire).";
    "request-body-removed" E Q 23 X("a removed response body shows as removed media types (response-media-type-removed)"), request_body_removed,
        "Request body removed", "Body argument disappears (build).";
    "request-body-media-type-removed" E Q 24 M("response-media-type-removed"), request_body_media_type_removed,
        "Request media type removed", "The client sends a content type the server no longer accepts (wire).";
    "new-required-request-property" E Q 25 M("response-required-property-added"), new_required_request_property,
        "Required request property added (with or without default)", "New struct field (build); old clients omit it (wire).";
    "new-optional-request-property" I Q 50 M("response-optional-property-added"), new_optional_request_property,
        "Optional request property added", "A new Option field; wire-compatible (struct literals need the field, builders do not).";
    "request-property-became-required" E Q 26 M("response-property-became-required"), request_property_became_required,
        "Request property became required", "Option<T> becomes T (build); old clients may omit it (wire).";
    "request-property-became-optional" W Q 12 M("response-property-became-optional"), request_property_became_optional,
        "Request property became optional", "T becomes Option<T> (build only).";
    "request-property-removed" W Q 27 M("response-optional-property-removed"), request_property_removed,
        "Request property removed", "Struct field disappears (build); servers usually ignore extra keys.";
    "request-property-type-changed" E Q 28 M("response-property-type-changed"), request_property_type_changed,
        "Request property type or format changed (widening included)", "Field type changes (build) and values may be rejected (wire).";
    "request-property-enum-value-removed" E Q 29 M("response-property-enum-value-removed"), request_property_enum_value_removed,
        "Request enum value removed (property or whole body)", "Variant disappears (build); the value is rejected (wire).";
    "request-property-enum-value-added" I Q 29 M("response-property-enum-value-added"), request_property_enum_value_added,
        "Request enum value added", "Callers construct request enums; they rarely match on them.";
    "request-property-became-enum" E Q 30 M("response-property-became-enum"), request_property_became_enum,
        "Request property restricted to an enum", "String becomes an enum type (build); other values rejected (wire).";
    "request-property-became-not-nullable" E Q 31 M("response-property-became-not-nullable"), request_property_became_not_nullable,
        "Request property became non-nullable", "null is now rejected (wire).";
    "request-property-became-nullable" W Q 31 M("response-property-became-nullable"), request_property_became_nullable,
        "Request property became nullable", "T becomes Option<T> (build only).";
    "request-property-one-of-removed" E Q 32 M("response-property-one-of-removed"), request_property_one_of_removed,
        "Request oneOf subschema removed", "Enum variant disappears (build); that shape is rejected (wire).";
    "request-property-one-of-added" I Q 32 M("response-property-one-of-added"), request_property_one_of_added,
        "Request oneOf subschema added", "Clients may send a new shape; existing ones still valid.";
    "request-property-any-of-removed" E Q 32 M("response-property-any-of-removed"), request_property_any_of_removed,
        "Request anyOf subschema removed", "Variant disappears (build); that shape is rejected (wire).";
    "request-property-any-of-added" I Q 32 M("response-property-any-of-added"), request_property_any_of_added,
        "Request anyOf subschema added", "Clients may send a new shape; existing ones still valid.";
    "request-property-all-of-added" E Q 32 M("response-property-all-of-added"), request_property_all_of_added,
        "Request allOf member added", "The body must satisfy one more schema (wire).";
    "request-property-all-of-removed" W Q 32 M("response-property-all-of-removed"), request_property_all_of_removed,
        "Request allOf member removed", "Fields of the generated struct change (build).";
    "request-body-wrapped-in-one-of" E Q 33 M("response-body-wrapped-in-one-of"), request_body_wrapped_in_one_of,
        "Request body restructured into a oneOf", "The body type becomes an enum (build).";
    "request-property-discriminator-changed" E Q 49 M("response-property-discriminator-changed"), request_property_discriminator_changed,
        "Request discriminator property or mapping changed", "serde tag or variant names change (build + wire).";
    "request-property-constraint-tightened" E Q 18 M("response-property-constraint-loosened"), request_property_constraint_tightened,
        "Request property bound tightened or pattern added", "Values accepted before are now rejected (wire).";
    "request-property-constraint-set" W Q 18 X("in responses a bound that appears cannot hurt; one that disappears is response-property-constraint-loosened"), request_property_constraint_set,
        "Request property bound set where there was none", "Some values accepted before may be rejected (wire).";
    "request-property-pattern-changed" W Q 18 M("response-property-pattern-changed"), request_property_pattern_changed,
        "Request property pattern changed", "Cannot tell whether the new pattern accepts the old values.";
    "request-property-became-read-only" W Q 53 M("response-property-became-write-only"), request_property_became_read_only,
        "Request property became readOnly", "The server ignores or rejects a field clients still send.";
    "request-property-additional-properties-closed" W Q 57 M("response-property-additional-properties-opened"), request_property_additional_properties_closed,
        "Request schema closed with additionalProperties: false", "Map-typed or extra keys are now rejected (wire).";
    "request-property-default-value-changed" W Q 17 X("a default only matters to the side that omits the value, the client, in requests"), request_property_default_value_changed,
        "Request property default added, changed or removed", "Omitting the field now means something else (wire semantics).";
    "response-success-status-removed" E P 34 X(NO_STATUS), response_success_status_removed,
        "Success status removed", "The success type changes (build) and the new status is unexpected (wire).";
    "response-non-success-status-removed" W P 35 X(NO_STATUS), response_non_success_status_removed,
        "Error status removed", "The typed-error variant disappears (build).";
    "response-success-status-added" W P 36 X(NO_STATUS), response_success_status_added,
        "Success status added", "Deployed clients report the new status as unexpected (wire).";
    "response-non-success-status-added" I P 36 X(NO_STATUS), response_non_success_status_added,
        "Error status added", "A new typed-error variant; matches with a wildcard arm still compile.";
    "response-media-type-removed" E P 37 M("request-body-media-type-removed"), response_media_type_removed,
        "Response media type removed", "The content type clients decode disappears (wire).";
    "response-body-wrapped-in-one-of" E P 33 M("request-body-wrapped-in-one-of"), response_body_wrapped_in_one_of,
        "Response body restructured into a oneOf", "The response type becomes an enum (build + wire).";
    "response-required-property-removed" E P 38 X("requests: removing a property is request-property-removed whatever its requiredness"), response_required_property_removed,
        "Required response property removed", "serde fails on the missing field (wire) and the field disappears (build).";
    "response-optional-property-removed" W P 39 M("request-property-removed"), response_optional_property_removed,
        "Optional response property removed", "The Option field disappears (build).";
    "response-property-became-optional" E P 40 M("request-property-became-optional"), response_property_became_optional,
        "Response property became optional", "T becomes Option<T> (build); old clients fail when it is absent (wire).";
    "response-property-became-required" W P 41 M("request-property-became-required"), response_property_became_required,
        "Response property became required", "Option<T> becomes T (build only).";
    "response-property-became-nullable" E P 42 M("request-property-became-nullable"), response_property_became_nullable,
        "Response property or body became nullable", "null into a non-Option field fails to decode (wire).";
    "response-property-became-not-nullable" W P 42 M("request-property-became-not-nullable"), response_property_became_not_nullable,
        "Response property became non-nullable", "Option<T> may become T (build only).";
    "response-property-type-changed" E P 43 M("request-property-type-changed"), response_property_type_changed,
        "Response property type or format changed (widening included)", "Field type changes (build) and old clients fail to decode (wire).";
    "response-property-id-became-numeric" W P 43 X("request ids keep their Rust type; only response decoding is lenient"), response_property_id_became_numeric,
        "Response identifier changed from string to number", "paysdk's string ids also accept JSON numbers, so deployed clients decode it; the regenerated type changes (build).";
    "response-property-enum-value-added" W P 44 M("request-property-enum-value-added"), response_property_enum_value_added,
        "Response enum value added", "Open enums keep unknown values, so decoding works; the new variant breaks exhaustive matches (build).";
    "response-property-enum-value-removed" W P 45 M("request-property-enum-value-removed"), response_property_enum_value_removed,
        "Response enum value removed", "Variant disappears (build only).";
    "response-property-became-enum" W P 30 M("request-property-became-enum"), response_property_became_enum,
        "Response property restricted to an enum", "String becomes an enum type (build only).";
    "response-property-one-of-added" E P 46 M("request-property-one-of-added"), response_property_one_of_added,
        "Response oneOf subschema added", "Deployed clients cannot decode the new shape (wire).";
    "response-property-one-of-removed" W P 46 M("request-property-one-of-removed"), response_property_one_of_removed,
        "Response oneOf subschema removed", "Variant disappears (build only).";
    "response-property-any-of-added" E P 47 M("request-property-any-of-added"), response_property_any_of_added,
        "Response anyOf subschema added", "Deployed clients cannot decode the new shape (wire).";
    "response-property-any-of-removed" W P 47 M("request-property-any-of-removed"), response_property_any_of_removed,
        "Response anyOf subschema removed", "Variant disappears (build only).";
    "response-property-all-of-added" W P 48 M("request-property-all-of-added"), response_property_all_of_added,
        "Response allOf member added", "Fields of the generated struct change (build).";
    "response-property-all-of-removed" W P 48 M("request-property-all-of-removed"), response_property_all_of_removed,
        "Response allOf member removed", "Fields of the generated struct change (build).";
    "response-property-discriminator-changed" E P 49 M("request-property-discriminator-changed"), response_property_discriminator_changed,
        "Response discriminator property or mapping changed", "serde tag or variant names change (build + wire).";
    "response-required-property-added" I P 50 M("new-required-request-property"), response_required_property_added,
        "Required response property added", "Extra fields are ignored when decoding; only struct literals break.";
    "response-optional-property-added" I P 50 M("new-optional-request-property"), response_optional_property_added,
        "Optional response property added", "Extra fields are ignored when decoding.";
    "response-required-header-removed" W P 51 X(HEADERS), response_required_header_removed,
        "Required response header removed", "progenitor exposes response headers untyped: callers that read it get None at run time.";
    "response-optional-header-removed" I P 51 X(HEADERS), response_optional_header_removed,
        "Optional response header removed", "Callers already handle its absence.";
    "response-header-became-optional" W P 51 X(HEADERS), response_header_became_optional,
        "Response header became optional", "Callers that read it may get None at run time.";
    "response-header-type-changed" W P 51 X(HEADERS), response_header_type_changed,
        "Response header type changed", "Headers are untyped in the generated client; callers that parse it may fail.";
    "response-property-constraint-loosened" W P 52 M("request-property-constraint-tightened"), response_property_constraint_loosened,
        "Response bound loosened or removed", "Only matters to callers that rely on the bound (Rust types rarely encode it).";
    "response-property-pattern-changed" I P 52 M("request-property-pattern-changed"), response_property_pattern_changed,
        "Response pattern changed", "Generated types do not validate patterns.";
    "response-property-became-write-only" W P 53 M("request-property-became-read-only"), response_property_became_write_only,
        "Response property became writeOnly", "The server stops sending it; a required field then fails to decode.";
    "response-property-additional-properties-opened" E P 57 M("request-property-additional-properties-closed"), response_property_additional_properties_opened,
        "Response additionalProperties: false lifted", "Generated structs deny unknown fields: extra keys fail to decode (wire).";
    "request-property-keyword-constraint-added" E Q 18 M("response-property-keyword-constraint-removed"), request_property_keyword_constraint_added,
        "Request schema gained a JSON Schema constraint (contains, prefixItems, dependentRequired, dependentSchemas, if/then/else, patternProperties, propertyNames, unevaluatedItems/Properties, contentSchema, not) or an entry of one", "Values accepted before may now be rejected (wire).";
    "request-property-keyword-constraint-changed" W Q 18 M("response-property-keyword-constraint-changed"), request_property_keyword_constraint_changed,
        "Request JSON Schema keyword changed in a way that cannot be ordered (a boolean schema flipped, a change inside not)", "Cannot tell whether the values sent before are still valid.";
    "response-property-keyword-constraint-removed" W P 52 M("request-property-keyword-constraint-added"), response_property_keyword_constraint_removed,
        "Response JSON Schema constraint (contains, prefixItems, dependentRequired, patternProperties, not, ...) or an entry of one removed", "Values the old schema excluded may arrive; only callers relying on the constraint are affected.";
    "response-property-keyword-constraint-changed" I P 52 M("request-property-keyword-constraint-changed"), response_property_keyword_constraint_changed,
        "Response JSON Schema keyword changed in a way that cannot be ordered", "Generated types do not validate these keywords.";
    "request-property-const-changed" E Q 30 M("response-property-const-changed"), request_property_const_changed,
        "Request const set or changed", "The one value clients send is now rejected (wire), and its type changes (build).";
    "response-property-const-changed" W P 30 M("request-property-const-changed"), response_property_const_changed,
        "Response const changed or removed", "Open enums decode the new value; code matching the old one breaks (build).";
    "request-property-content-changed" E Q 28 M("response-property-content-changed"), request_property_content_changed,
        "Request contentMediaType or contentEncoding changed", "Clients encode the string content the old way (wire).";
    "response-property-content-changed" E P 43 M("request-property-content-changed"), response_property_content_changed,
        "Response contentMediaType or contentEncoding changed", "Clients decode the string content the old way (wire).";
    "request-body-media-type-schema-added" W Q 24 M("response-media-type-schema-added"), request_body_media_type_schema_added,
        "Request media type without a schema gained one", "The body argument goes from any value to a typed one (build), and bodies that do not match are rejected (wire).";
    "response-media-type-schema-added" W P 37 M("request-body-media-type-schema-added"), response_media_type_schema_added,
        "Response media type without a schema gained one", "The response goes from an untyped value to a typed one (build).";
    "request-parameter-deprecated" I Q 60 X(NO_PARAMS), request_parameter_deprecated,
        "Parameter deprecated", "Announcement: the generated argument is marked deprecated; nothing breaks yet.";
    "request-parameter-removed-before-sunset" E Q 60 X(NO_PARAMS), request_parameter_removed_before_sunset,
        "Parameter removed before its x-sunset date", "Breaks the provider's own deprecation promise, and the argument disappears (build).";
    "request-property-deprecated" I Q 60 M("response-property-deprecated"), request_property_deprecated,
        "Request property (or schema) deprecated", "Announcement: nothing breaks yet.";
    "response-property-deprecated" I P 60 M("request-property-deprecated"), response_property_deprecated,
        "Response property (or schema) deprecated", "Announcement: nothing breaks yet.";
    "request-parameter-reactivated" I Q 60 X(NO_PARAMS), request_parameter_reactivated,
        "Parameter no longer deprecated", "Announcement taken back: nothing breaks.";
    "request-parameter-sunset-date-changed-too-small" E Q 60 X(NO_PARAMS), request_parameter_sunset_date_changed_too_small,
        "Parameter x-sunset moved earlier", "Policy: callers have less time to stop sending it.";
    "request-parameter-sunset-deleted" E Q 60 X(NO_PARAMS), request_parameter_sunset_deleted,
        "x-sunset deleted from a deprecated parameter", "Policy: the removal date is no longer announced.";
    "request-property-removed-before-sunset" E Q 60 M("response-property-removed-before-sunset"), request_property_removed_before_sunset,
        "Request property removed before its x-sunset date", "Breaks the provider's own deprecation promise, and the field disappears from the generated struct (build).";
    "response-property-removed-before-sunset" E P 60 M("request-property-removed-before-sunset"), response_property_removed_before_sunset,
        "Response property removed before its x-sunset date", "Breaks the deprecation promise; the field disappears (build), and a required one fails to decode (wire).";
    "request-property-stability-decreased" E Q 60 M("response-property-stability-decreased"), request_property_stability_decreased,
        "Request property (or schema) x-stability-level decreased", "Policy: the field may now change without notice.";
    "response-property-stability-decreased" E P 60 M("request-property-stability-decreased"), response_property_stability_decreased,
        "Response property (or schema) x-stability-level decreased", "Policy: the field may now change without notice.";
    "request-property-reactivated" I Q 60 M("response-property-reactivated"), request_property_reactivated,
        "Request property (or schema) no longer deprecated", "Announcement taken back: nothing breaks.";
    "response-property-reactivated" I P 60 M("request-property-reactivated"), response_property_reactivated,
        "Response property (or schema) no longer deprecated", "Announcement taken back: nothing breaks.";
    "api-security-added" E N 54 NA, api_security_added,
        "Security requirement added or tightened", "Requests without the new credentials get 401 (wire).";
    "api-security-scheme-changed" E N 55 NA, api_security_scheme_changed,
        "Security scheme type, name or location changed", "Credentials are sent the old way (wire).";
    "api-schema-removed" W N 56 NA, api_schema_removed,
        "Component schema removed", "progenitor generates a type per component: it disappears (build).";
    "api-schema-renamed" W N 56 NA, api_schema_renamed,
        "Component schema renamed (same shape)", "The generated type is renamed (build only).";
    "api-server-url-changed" W N 58 NA, api_server_url_changed,
        "Server URL removed or changed", "progenitor takes the base URL from the caller, but configurations copy it from the spec.";
    "webhook-removed" W N 59 NA, webhook_removed,
        "Webhook removed", "paysdk generates no webhook types (progenitor reads 3.0); receivers stop getting calls.";
    "api-stability-decreased" E N 60 NA, api_stability_decreased,
        "x-stability-level decreased", "Policy: the operation may now change without notice.";
    "api-sunset-date-changed-too-small" E N 60 NA, api_sunset_date_changed_too_small,
        "x-sunset moved earlier", "Policy: callers have less time to migrate.";
    "sunset-deleted" E N 60 NA, sunset_deleted,
        "x-sunset deleted from a deprecated operation", "Policy: the removal date is no longer announced.";
    "api-major-version-not-bumped" I N 61 NA, api_major_version_not_bumped,
        "Breaking changes without a major info.version bump", "Policy signal; the crate version gate is --require-major-bump.";
    "api-remote-ref-not-followed" I N 0 NA, api_remote_ref_not_followed,
        "Remote (http(s)://) $ref, reported once per URL", "Never downloaded: a change behind it cannot be seen, so the report says so instead of passing silently.";
    "spec-removed" E N 0 NA, spec_removed,
        "Spec file removed (directory mode)", "Its generated client module disappears (build).";
    "spec-added" I N 0 NA, spec_added,
        "Spec file added (directory mode)", "A new client module.";
}

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Levels replacing the registry's defaults for some rules, so a team can make a rule
/// stricter or milder for its own callers (`--level RULE=LEVEL`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelOverrides(Vec<(&'static str, Level)>);

impl LevelOverrides {
    /// Parses a `RULE=LEVEL` setting (level `ERR`, `WARN` or `INFO`, any case), checking
    /// that the rule exists.
    pub fn parse_setting(arg: &str) -> Result<(&'static Rule, Level), String> {
        let (id, level) = arg
            .split_once('=')
            .ok_or_else(|| format!("expected RULE=LEVEL, got {arg:?}"))?;
        let (id, level) = (id.trim(), level.trim());
        let rule = rule(id).ok_or_else(|| format!("unknown rule id {id:?} (see --list-rules)"))?;
        let level = Level::parse(level)
            .ok_or_else(|| format!("unknown level {level:?} for {id}: use ERR, WARN or INFO"))?;
        Ok((rule, level))
    }

    /// Reports `rule` at `level`; a later setting for the same rule wins.
    pub fn set(&mut self, rule: &'static Rule, level: Level) {
        self.0.retain(|(id, _)| *id != rule.id);
        self.0.push((rule.id, level));
    }

    /// The level `rule` reports at.
    pub fn level_of(&self, rule: &Rule) -> Level {
        self.0
            .iter()
            .find(|(id, _)| *id == rule.id)
            .map_or(rule.level, |&(_, level)| level)
    }
}

/// The rules that apply to one change.
pub fn apply(change: &Change) -> impl Iterator<Item = (&'static Rule, String)> + '_ {
    RULES
        .iter()
        .filter_map(move |r| (r.check)(change).map(|msg| (r, msg)))
}

/// The rule table as Markdown (used by `spec-diff --list-rules` and the docs).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| id | level | direction | row | detects | effect on a paysdk caller | mirror |\n|---|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let mirror = match r.mirror {
            Mirror::Rule(m) => format!("`{m}`"),
            Mirror::Waived(why) => format!("none: {why}"),
            Mirror::NotApplicable => "n/a".into(),
        };
        let row = if r.row == 0 {
            "-".to_string()
        } else {
            r.row.to_string()
        };
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            r.level,
            r.direction.as_str(),
            row,
            r.title,
            r.why,
            mirror
        ));
    }
    s
}
