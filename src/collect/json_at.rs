//! Walking untrusted JSON with the path that reached each value, so every importer's error
//! names where the input was wrong (`SecurityGroups[2].IpPermissions[0].FromPort: expected
//! an integer, found a string`).

use serde_json::{Map, Value};

use crate::collect::net::import::ImportError;
use crate::evidence::json_type_name as type_name;

/// A JSON value with the path that reached it (`DBInstances[2].StatusInfos[0]`), so that
/// every error an importer reports names where it is.
#[derive(Debug, Clone)]
pub(crate) struct At<'a> {
    /// The value.
    pub(crate) v: &'a Value,
    /// Its JSON path from the input's root; empty for the root.
    pub(crate) path: String,
}

impl<'a> At<'a> {
    pub(crate) fn root(v: &'a Value) -> At<'a> {
        At {
            v,
            path: String::new(),
        }
    }

    pub(crate) fn err(&self, message: impl Into<String>) -> ImportError {
        let at = if self.path.is_empty() {
            "(top level)".to_string()
        } else {
            self.path.clone()
        };
        ImportError::new(at, message)
    }

    pub(crate) fn child(&self, v: &'a Value, key: &str) -> At<'a> {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        };
        At { v, path }
    }

    /// The member `key`, which must be present and not null.
    pub(crate) fn get(&self, key: &str) -> Result<At<'a>, ImportError> {
        match self.opt(key)? {
            Some(j) => Ok(j),
            None => Err(self
                .child(&Value::Null, key)
                .err("missing (expected a value here)")),
        }
    }

    /// The member `key`; `None` when absent or null. Errors when this is not an object.
    pub(crate) fn opt(&self, key: &str) -> Result<Option<At<'a>>, ImportError> {
        let obj = self.obj()?;
        Ok(obj
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| self.child(v, key)))
    }

    pub(crate) fn obj(&self) -> Result<&'a Map<String, Value>, ImportError> {
        self.v
            .as_object()
            .ok_or_else(|| self.err(format!("expected an object, found {}", type_name(self.v))))
    }

    /// The elements of this array.
    pub(crate) fn arr(&self) -> Result<Vec<At<'a>>, ImportError> {
        let a = self
            .v
            .as_array()
            .ok_or_else(|| self.err(format!("expected an array, found {}", type_name(self.v))))?;
        Ok(a.iter()
            .enumerate()
            .map(|(i, v)| At {
                v,
                path: format!("{}[{i}]", self.path),
            })
            .collect())
    }

    /// The elements of the array member `key`; empty when it is absent or null.
    pub(crate) fn opt_arr(&self, key: &str) -> Result<Vec<At<'a>>, ImportError> {
        match self.opt(key)? {
            Some(j) => j.arr(),
            None => Ok(Vec::new()),
        }
    }

    pub(crate) fn str(&self) -> Result<&'a str, ImportError> {
        self.v
            .as_str()
            .ok_or_else(|| self.err(format!("expected a string, found {}", type_name(self.v))))
    }

    /// The string member `key`; `None` when absent or null.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ImportError> {
        self.opt(key)?.map(|j| j.str()).transpose()
    }

    /// [`At::opt_str`], owned.
    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>, ImportError> {
        Ok(self.opt_str(key)?.map(str::to_string))
    }

    pub(crate) fn int(&self) -> Result<i64, ImportError> {
        self.v
            .as_i64()
            .ok_or_else(|| self.err(format!("expected an integer, found {}", type_name(self.v))))
    }

    pub(crate) fn bool(&self) -> Result<bool, ImportError> {
        self.v
            .as_bool()
            .ok_or_else(|| self.err(format!("expected a boolean, found {}", type_name(self.v))))
    }

    /// The boolean member `key`; `None` when absent or null.
    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>, ImportError> {
        self.opt(key)?.map(|j| j.bool()).transpose()
    }
}
