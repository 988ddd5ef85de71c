//! An insertion-ordered collection of one account's resources of one kind, looked
//! up by id. Describe calls list in creation order, as AWS's published outputs do.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;

use super::dispatch::{Call, Outcome};
use super::world::Kind;
use super::{paging, ApiError, World};

/// A resource as a Describe shows it.
pub(super) trait Observed {
    /// Its document in the state a Describe observes (advancing it in
    /// observation-driven mode).
    fn observed(&mut self, now: Duration, delay: Duration) -> Value;
}

/// The Describe of a kind whose every resource the caller owns: the one named by the
/// request's id member, or one page of all in creation order.
pub(super) fn describe<T: Kind + Observed>(world: &mut World, call: &Call<'_>) -> Outcome {
    let delay = world.config.async_delay;
    T::store(world.account_mut(call.account)).describe(
        call,
        T::LIST_KEY,
        (T::ID_FIELD, T::NAME),
        |resource| resource.observed(call.now, delay),
    )
}

/// Resources of one kind, in creation order, indexed by id.
#[derive(Debug)]
pub(super) struct Store<T> {
    items: Vec<T>,
    index: HashMap<String, usize>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T> Store<T> {
    /// Add a resource under `id` (ids are never reused, so this never replaces).
    pub(super) fn insert(&mut self, id: String, item: T) -> &mut T {
        let position = self.items.len();
        self.items.push(item);
        self.index.insert(id, position);
        &mut self.items[position]
    }

    /// The resource with `id`.
    pub(super) fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    /// The resource with `id`, for change.
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.index.get(id).map(|&i| &mut self.items[i])
    }

    /// The resource with `id`, for change, or the not-found error naming it a `kind`
    /// ("Could not find Connection with ID …").
    pub(super) fn require_mut(&mut self, kind: &str, id: &str) -> Result<&mut T, ApiError> {
        self.get_mut(id)
            .ok_or_else(|| ApiError::not_found(kind, id))
    }

    /// A Describe answer under `key`: the one resource named by the request's `id_field`
    /// (not found as a `kind` otherwise), or one page of all in creation order. `render`
    /// gives each listed resource's document (observing, and so advancing, it).
    pub(super) fn describe(
        &mut self,
        call: &Call<'_>,
        key: &str,
        (id_field, kind): (&str, &str),
        mut render: impl FnMut(&mut T) -> Value,
    ) -> Outcome {
        if let Some(id) = call.string(id_field) {
            let named = render(self.require_mut(kind, id)?);
            return Ok(paging::answer(key, vec![named], None));
        }
        let positions: Vec<usize> = (0..self.items.len()).collect();
        let (page, next) = paging::page(&positions, call)?;
        let listed = page.iter().map(|&i| render(&mut self.items[i])).collect();
        Ok(paging::answer(key, listed, next))
    }

    /// All resources in creation order.
    pub(super) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_creation_order_and_finds_by_id() {
        let mut store = Store::default();
        store.insert("b".to_owned(), 2);
        store.insert("a".to_owned(), 1);
        assert_eq!(store.iter().copied().collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!(store.get("a"), Some(&1));
        *store.get_mut("b").unwrap() = 5;
        assert_eq!(store.get("b"), Some(&5));
        assert_eq!(store.get("c"), None);
    }
}
