//! Pagination of Describe calls (`maxResults` / `nextToken`).
//!
//! From the API reference: "If MaxResults is given a value larger than 100, only
//! 100 results are returned." Without `maxResults` everything from the token on is
//! returned (the pre-pagination behaviour). Tokens are opaque, bound to the
//! operation and the caller, and rejected when forged or reused elsewhere.

use serde_json::{json, Map, Value};

use super::dispatch::Call;
use super::ApiError;

/// The largest page AWS returns.
pub(super) const PAGE_LIMIT: usize = 100;

/// The slice of `items` this call asks for, and the token of the next page.
pub(super) fn page<'a, T>(
    items: &'a [T],
    call: &Call<'_>,
) -> Result<(&'a [T], Option<String>), ApiError> {
    let start = match call.string("nextToken") {
        Some(token) => decode(token, call)
            .filter(|&offset| offset <= items.len())
            .ok_or_else(|| ApiError::client(format!("The nextToken {token} is not valid")))?,
        None => 0,
    };
    let size = match call.integer("maxResults") {
        None => items.len() - start,
        Some(n) if n < 1 => {
            return Err(ApiError::client(format!(
                "maxResults {n} is not valid: it must be at least 1"
            )))
        }
        Some(n) => usize::try_from(n).unwrap_or(PAGE_LIMIT).min(PAGE_LIMIT),
    };
    let end = start.saturating_add(size).min(items.len());
    let next = (end < items.len()).then(|| encode(end, call));
    Ok((&items[start..end], next))
}

/// A Describe answer: one page of `items` under `key`, and `nextToken` when more
/// pages follow.
pub(super) fn answer(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut out = Map::new();
    out.insert(key.to_owned(), Value::Array(items));
    if let Some(token) = next {
        out.insert("nextToken".to_owned(), json!(token));
    }
    Value::Object(out)
}

/// A Describe answer listing one page of the ready documents `documents` under `key`.
pub(super) fn answer_page(
    key: &str,
    documents: &[Value],
    call: &Call<'_>,
) -> Result<Value, ApiError> {
    let (page, next) = page(documents, call)?;
    Ok(answer(key, page.to_vec(), next))
}

/// A keyed checksum so a token only works for the call it came from.
fn check(offset: usize, call: &Call<'_>) -> u64 {
    let text = format!("{}/{}/{offset}", call.operation, call.account);
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

fn encode(offset: usize, call: &Call<'_>) -> String {
    format!("{offset:x}.{:016x}", check(offset, call))
}

fn decode(token: &str, call: &Call<'_>) -> Option<usize> {
    let (offset, sum) = token.split_once('.')?;
    let offset = usize::from_str_radix(offset, 16).ok()?;
    (format!("{:016x}", check(offset, call)) == sum).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};
    use std::time::Duration;

    fn with<R>(body: Value, account: &str, f: impl FnOnce(&Call<'_>) -> R) -> R {
        let input: Map<String, Value> = body.as_object().unwrap().clone();
        let call = Call {
            operation: "DescribeConnections",
            account,
            input: &input,
            now: Duration::ZERO,
        };
        f(&call)
    }

    #[test]
    fn pages_through_everything_once() {
        let items: Vec<u32> = (0..7).collect();
        let (first, token) = with(json!({"maxResults": 3}), "111111111111", |c| {
            page(&items, c)
        })
        .unwrap();
        assert_eq!(first, &[0, 1, 2]);
        let token = token.unwrap();
        let (second, token) = with(
            json!({"maxResults": 3, "nextToken": token}),
            "111111111111",
            |c| page(&items, c),
        )
        .unwrap();
        assert_eq!(second, &[3, 4, 5]);
        let (third, token) = with(
            json!({"maxResults": 3, "nextToken": token.unwrap()}),
            "111111111111",
            |c| page(&items, c),
        )
        .unwrap();
        assert_eq!(third, &[6]);
        assert_eq!(token, None);
    }

    #[test]
    fn defaults_caps_and_rejections() {
        let items: Vec<u32> = (0..150).collect();
        let (all, token) = with(json!({}), "111111111111", |c| page(&items, c)).unwrap();
        assert_eq!((all.len(), token), (150, None));
        let (capped, token) = with(json!({"maxResults": 1000}), "111111111111", |c| {
            page(&items, c)
        })
        .unwrap();
        assert_eq!(capped.len(), PAGE_LIMIT);
        let token = token.unwrap();
        assert!(with(json!({"maxResults": 0}), "111111111111", |c| page(
            &items, c
        ))
        .is_err());
        assert!(
            with(json!({"nextToken": "garbage"}), "111111111111", |c| page(
                &items, c
            ))
            .is_err()
        );
        assert!(with(json!({"nextToken": token}), "222222222222", |c| page(
            &items, c
        ))
        .is_err());
    }
}
