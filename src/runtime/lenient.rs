//! serde helpers the generated types use to decode what vendors actually send.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct StringOrNumber;

impl<'de> Visitor<'de> for StringOrNumber {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Decodes a string, or a JSON number as its decimal text (`151077912` → `"151077912"`).
pub fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(StringOrNumber)
}

/// As [`string_or_number`], for optional fields; `null` is `None`.
pub fn option_string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    struct OptionVisitor;
    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            string_or_number(d).map(Some)
        }
    }
    deserializer.deserialize_option(OptionVisitor)
}

/// Decodes an open string enum from its wire text; unknown values are kept by `From<String>`.
pub fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    let raw = deserializer.deserialize_any(StringOrNumber)?;
    Ok(T::from(raw))
}

/// The impls every open string enum of generated code shares: `From<String>`, `FromStr`
/// (`Err = Infallible`), `Display`, `Serialize` and `Deserialize`, all through the enum's own
/// `as_str` and `From<&str>`. One line per enum in the generated module instead of five impls
/// (Stripe has over a thousand such enums). Used as `::paysdk::__private::open_enum_impls!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __open_enum_impls {
    ($name:ident) => {
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::lenient::deserialize_open_enum(deserializer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(deserialize_with = "string_or_number")]
        id: String,
        #[serde(default, deserialize_with = "option_string_or_number")]
        link: Option<String>,
    }

    #[test]
    fn numbers_and_strings_decode_as_text() {
        let p: Probe = serde_json::from_str(r#"{"id": 151077912, "link": 11601}"#).unwrap();
        assert_eq!(
            (p.id.as_str(), p.link.as_deref()),
            ("151077912", Some("11601"))
        );
        let p: Probe = serde_json::from_str(r#"{"id": "a/b", "link": null}"#).unwrap();
        assert_eq!((p.id.as_str(), p.link), ("a/b", None));
        let p: Probe = serde_json::from_str(r#"{"id": "x"}"#).unwrap();
        assert_eq!(p.link, None);
    }

    #[test]
    fn objects_are_still_rejected() {
        assert!(serde_json::from_str::<Probe>(r#"{"id": {"a": 1}}"#).is_err());
    }
}
