//! Lenient parameter types: clients send booleans as `true`, `"true"` or `"1"`, ids as strings
//! or numbers, and lists as arrays or newline-separated strings.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A boolean in any of the spellings clients use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a boolean (true/false/1/0)")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.to_ascii_lowercase().as_str() {
                    "1" | "true" | "on" | "yes" | "t" => Ok(Flag(true)),
                    "0" | "false" | "off" | "no" | "f" | "" => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// An id sent as a string (`"115…"`) or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdParam(pub i64);

impl<'de> Deserialize<'de> for IdParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IdParam;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an id")
            }
            fn visit_i64<E>(self, v: i64) -> Result<IdParam, E> {
                Ok(IdParam(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdParam, E> {
                i64::try_from(v).map(IdParam).map_err(|_| E::custom("id out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdParam, E> {
                v.trim().parse().map(IdParam).map_err(|_| E::custom(format!("{v:?} is not an id")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list sent as an array or as one string with items separated by whitespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words(pub Vec<String>);

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        Ok(Words(match Raw::deserialize(d)? {
            Raw::One(s) => s.split_whitespace().map(str::to_owned).collect(),
            Raw::Many(v) => {
                v.iter().flat_map(|s| s.split_whitespace()).map(str::to_owned).collect()
            }
        }))
    }
}

/// Path ids: a malformed one is a 404, as no record can have it.
pub fn path_id(s: &str) -> Result<i64, crate::ApiError> {
    s.parse().map_err(|_| crate::ApiError::not_found("Record not found: malformed id"))
}
