//! Strategies shared by the families: the weighted choice, text, principals,
//! names, tags, handle references.
//!
//! Generation draws straight from the case's random stream. proptest's own
//! `prop_oneof!` forks a whole ChaCha runner for every alternative before the
//! one it picks (so that shrinking can move to them later), and its regex
//! strings build a value tree per character; together they were a quarter of a
//! run's CPU. [`Weighted`] shrinks the same way `prop_oneof!` does, and draws
//! one seed instead, from which an earlier alternative is generated only when
//! shrinking reaches it; [`text`] draws whole strings.

use std::fmt;
use std::sync::Arc;

use proptest::collection::btree_map;
use proptest::prelude::*;
use proptest::strategy::{NewTree, ValueTree};
use proptest::test_runner::{Config, Reason, RngAlgorithm, TestRng, TestRunner};

use crate::model::{ConnectionStep, HandleRef, Step, Tag};
use crate::vocab::Principal;

/// A weighted choice between strategies of one value type; build it with
/// [`weighted!`](crate::weighted). Shrinks like `prop_oneof!`: first within the
/// picked alternative, then towards earlier alternatives (never to one of weight 0).
pub struct Weighted<T> {
    options: Arc<[(u32, BoxedStrategy<T>)]>,
    total: u64,
}

impl<T: fmt::Debug> Weighted<T> {
    /// The choice between `options`, each picked with probability weight / total.
    pub fn new(options: Vec<(u32, BoxedStrategy<T>)>) -> Self {
        let total = total_weight(&options);
        Weighted {
            options: options.into(),
            total,
        }
    }
}

impl<T> Clone for Weighted<T> {
    fn clone(&self) -> Self {
        Weighted {
            options: Arc::clone(&self.options),
            total: self.total,
        }
    }
}

impl<T> fmt::Debug for Weighted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let weights: Vec<u32> = self.options.iter().map(|(w, _)| *w).collect();
        f.debug_struct("Weighted")
            .field("weights", &weights)
            .finish()
    }
}

/// `draw` scaled onto `0..n` (monotone, unlike a remainder, and unbiased enough
/// for the small `n` drawn here).
fn scaled(draw: u64, n: u64) -> u64 {
    ((u128::from(draw) * u128::from(n)) >> 64) as u64
}

/// The sum of the alternatives' weights.
fn total_weight<T>(options: &[(u32, T)]) -> u64 {
    options.iter().map(|(w, _)| u64::from(*w)).sum()
}

/// An alternative drawn with probability weight / `total` ([`total_weight`] of
/// `options`); when every weight is 0, nothing can be drawn and the error names the
/// options as `what`.
fn weighted_index<T>(
    options: &[(u32, T)],
    total: u64,
    runner: &mut TestRunner,
    what: &str,
) -> Result<usize, Reason> {
    if total == 0 {
        return Err(format!("every {what} has weight 0").into());
    }
    let mut point = scaled(runner.rng().next_u64(), total);
    let mut index = 0;
    for (at, (w, _)) in options.iter().enumerate() {
        index = at;
        if point < u64::from(*w) {
            break;
        }
        point -= u64::from(*w);
    }
    Ok(index)
}

/// The nearest alternative before `pick`, not before `min`, whose weight is not 0.
fn earlier<T>(options: &[(u32, T)], pick: usize, min: usize) -> Option<usize> {
    (min..pick).rev().find(|&at| options[at].0 != 0)
}

impl<T: fmt::Debug + 'static> Strategy for Weighted<T> {
    type Tree = WeightedTree<T>;
    type Value = T;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let pick = weighted_index(&self.options, self.total, runner, "alternative")?;
        // Earlier alternatives are generated from this seed if shrinking moves to them.
        let seed = if pick > 0 { runner.rng().next_u64() } else { 0 };
        let current = self.options[pick].1.new_tree(runner)?;
        Ok(WeightedTree {
            options: Arc::clone(&self.options),
            seed,
            pick,
            min_pick: 0,
            current,
            previous: None,
        })
    }
}

/// The value tree of [`Weighted`]: the picked alternative's tree, and while a move
/// to an earlier alternative is being tried, the tree it moved from.
pub struct WeightedTree<T> {
    options: Arc<[(u32, BoxedStrategy<T>)]>,
    seed: u64,
    pick: usize,
    min_pick: usize,
    current: Box<dyn ValueTree<Value = T>>,
    previous: Option<(usize, Box<dyn ValueTree<Value = T>>)>,
}

impl<T: fmt::Debug> WeightedTree<T> {
    /// A tree for alternative `index`, from a runner seeded by the tree's seed and
    /// the index: the same alternative always starts from the same value.
    fn tree_for(&self, index: usize) -> Option<Box<dyn ValueTree<Value = T>>> {
        let mut state = self.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
        );
        self.options[index].1.new_tree(&mut runner).ok()
    }
}

/// SplitMix64: spreads one seed over the 32 bytes a ChaCha runner needs.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl<T: fmt::Debug> ValueTree for WeightedTree<T> {
    type Value = T;

    fn current(&self) -> T {
        self.current.current()
    }

    fn simplify(&mut self) -> bool {
        if self.current.simplify() {
            self.previous = None;
            return true;
        }
        let mut next = self.pick;
        while let Some(at) = earlier(&self.options, next, self.min_pick) {
            next = at;
            if let Some(tree) = self.tree_for(next) {
                let from = std::mem::replace(&mut self.current, tree);
                self.previous = Some((self.pick, from));
                self.pick = next;
                return true;
            }
        }
        false
    }

    fn complicate(&mut self) -> bool {
        match self.previous.take() {
            Some((pick, tree)) => {
                // The earlier alternative lost the failure: never try it (or any
                // before it) again.
                self.current = tree;
                self.pick = pick;
                self.min_pick = pick;
                true
            }
            None => self.current.complicate(),
        }
    }
}

/// A weighted choice between values; build it with [`pick!`](crate::pick). What
/// [`Weighted`] is to strategies, for alternatives that are plain values (a
/// principal, a flag): one draw, and no value tree per alternative. Shrinks
/// towards earlier values, never to one of weight 0.
#[derive(Debug, Clone)]
pub struct Pick<T> {
    options: Arc<[(u32, T)]>,
    total: u64,
}

impl<T> Pick<T> {
    /// The choice between `options`, each picked with probability weight / total.
    pub fn new(options: Vec<(u32, T)>) -> Self {
        let total = total_weight(&options);
        Pick {
            options: options.into(),
            total,
        }
    }
}

impl<T: fmt::Debug + Clone> Strategy for Pick<T> {
    type Tree = PickTree<T>;
    type Value = T;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let pick = weighted_index(&self.options, self.total, runner, "value")?;
        Ok(PickTree {
            options: Arc::clone(&self.options),
            pick,
            min_pick: 0,
            previous: None,
        })
    }
}

/// The value tree of [`Pick`].
#[derive(Debug, Clone)]
pub struct PickTree<T> {
    options: Arc<[(u32, T)]>,
    pick: usize,
    min_pick: usize,
    /// The pick a simplification moved from, while it is being tried.
    previous: Option<usize>,
}

impl<T: fmt::Debug + Clone> ValueTree for PickTree<T> {
    type Value = T;

    fn current(&self) -> T {
        self.options[self.pick].1.clone()
    }

    fn simplify(&mut self) -> bool {
        match earlier(&self.options, self.pick, self.min_pick) {
            Some(at) => {
                self.previous = Some(self.pick);
                self.pick = at;
                true
            }
            None => false,
        }
    }

    fn complicate(&mut self) -> bool {
        match self.previous.take() {
            Some(pick) => {
                self.pick = pick;
                self.min_pick = pick;
                true
            }
            None => false,
        }
    }
}

/// [`Pick`] from `weight => value` arms (or unweighted arms, weight 1 each).
#[macro_export]
macro_rules! pick {
    ($($weight:expr => $value:expr),+ $(,)?) => {
        $crate::gen::Pick::new(vec![$(($weight, $value)),+])
    };
    ($($value:expr),+ $(,)?) => {
        $crate::gen::Pick::new(vec![$((1, $value)),+])
    };
}

/// [`Weighted`] from `weight => strategy` arms (or unweighted arms, weight 1 each),
/// like `prop_oneof!`.
#[macro_export]
macro_rules! weighted {
    ($($weight:expr => $strategy:expr),+ $(,)?) => {
        $crate::gen::Weighted::new(vec![$(($weight, proptest::strategy::Strategy::boxed($strategy))),+])
    };
    ($($strategy:expr),+ $(,)?) => {
        $crate::gen::Weighted::new(vec![$((1, proptest::strategy::Strategy::boxed($strategy))),+])
    };
}

/// `None` or a value of `strategy`, even odds (shrinks to `None`).
pub fn maybe<T: fmt::Debug + Clone + 'static>(
    strategy: impl Strategy<Value = T> + 'static,
) -> Weighted<Option<T>> {
    crate::weighted![Just(None), strategy.prop_map(Some)]
}

/// Strings of consecutive parts, each `min..=max` characters drawn uniformly
/// from its alphabet; not shrunk (no check depends on a string's content beyond
/// its alphabet and length, and shrinking one costs a case per character).
#[derive(Debug, Clone, Copy)]
pub struct Text(&'static [Part]);

/// One part of a [`Text`]: its alphabet and its least and greatest length.
pub type Part = (&'static [u8], usize, usize);

/// The strategy of strings made of `parts`.
pub const fn text(parts: &'static [Part]) -> Text {
    Text(parts)
}

impl Strategy for Text {
    type Tree = Just<String>;
    type Value = String;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let rng = runner.rng();
        let mut out = String::new();
        for &(alphabet, min, max) in self.0 {
            let len = min + scaled(rng.next_u64(), (max - min + 1) as u64) as usize;
            let n = alphabet.len() as u64;
            out.reserve(len);
            // Several characters from each draw: the draw is a fraction of 2^64, each
            // character the integer part of the fraction times the alphabet's size,
            // and the rest of the product the next fraction. Each character uses up
            // about 6.2 of the 64 bits (alphabets have at most 72 letters); after six
            // the fraction has lost enough that a new draw is taken.
            let mut draw = 0u64;
            for i in 0..len {
                if i % CHARACTERS_PER_DRAW == 0 {
                    draw = rng.next_u64();
                }
                let product = u128::from(draw) * u128::from(n);
                out.push(char::from(alphabet[(product >> 64) as usize]));
                draw = product as u64;
            }
        }
        Ok(Just(out))
    }
}

/// Characters [`Text`] takes from one 64-bit draw.
const CHARACTERS_PER_DRAW: usize = 6;

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const LOWER_DIGIT_HYPHEN: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";
const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Letters and digits.
pub const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Hexadecimal digits, lower case.
pub const HEX: &[u8] = b"0123456789abcdef";
/// The tag key alphabet after its first letter [spec TagKey].
const TAG_KEY: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/=+@-";
/// The tag value alphabet [spec TagValue].
const TAG_VALUE: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.:/=+@-";

/// The caller: mostly the owner; the partner when two accounts are in play.
pub fn principal(two_accounts: bool) -> BoxedStrategy<Principal> {
    if two_accounts {
        crate::pick![6 => Principal::Owner, 1 => Principal::Partner].boxed()
    } else {
        Just(Principal::Owner).boxed()
    }
}

/// Names: usually from a small pool (so duplicates happen and uniqueness is
/// tested), sometimes fresh, always within the VIF-style alphabet AWS accepts everywhere.
pub fn name() -> impl Strategy<Value = String> {
    crate::weighted![
        2 => prop::sample::select(vec!["dx-alpha", "dx-beta", "dx-gamma"]).prop_map(str::to_owned),
        2 => text(&[(LOWER, 1, 1), (LOWER_DIGIT_HYPHEN, 0, 20)]),
        // At the limit: a VIF name has at most 100 characters [api].
        1 => text(&[(LOWER, 100, 100)]),
    ]
    // Shrinking a name to another pool entry finds nothing new and costs cases:
    // names stay as generated while plans shrink.
    .no_shrink()
}

/// Tag keys: mostly a small pool, so replacing and removing keys happens.
pub fn tag_key() -> impl Strategy<Value = String> {
    crate::weighted![
        3 => prop::sample::select(vec!["env", "team", "cost-center", "owner"]).prop_map(str::to_owned),
        1 => text(&[(LETTERS, 1, 1), (TAG_KEY, 0, 15)]),
        // At the limit: a key has at most 128 characters [spec TagKey].
        1 => text(&[(LOWER, 128, 128)]),
    ]
    .no_shrink()
}

/// Tag values within the documented alphabet (at the 256-character limit too).
pub fn tag_value() -> impl Strategy<Value = String> {
    crate::weighted![8 => text(&[(TAG_VALUE, 0, 12)]), 1 => text(&[(LOWER, 256, 256)])].no_shrink()
}

/// Up to `max` tags with distinct keys.
pub fn tags(max: usize) -> impl Strategy<Value = Vec<Tag>> {
    btree_map(tag_key(), tag_value(), 0..=max).prop_map(|m| {
        m.into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect()
    })
}

/// A reference to an earlier resource.
pub fn handle() -> impl Strategy<Value = HandleRef> {
    any::<u8>().prop_map(HandleRef)
}

/// An untagged 10Gbps dedicated connection, the port other resources are made on.
pub fn untagged_connection(by: Principal, location: u8, name: String) -> Step {
    Step::Connection(ConnectionStep::CreateConnection {
        by,
        location,
        bandwidth: "10Gbps".to_owned(),
        name,
        tags: Vec::new(),
    })
}

/// A runner drawing from a ChaCha stream seeded with `seed` bytes, so a test draws
/// the same values on every run.
#[cfg(test)]
pub(super) fn runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_picks_follow_the_weights_and_never_a_zero_weight() {
        let choice = crate::weighted![3 => Just('a'), 0 => Just('z'), 1 => Just('b')];
        let mut runner = runner(1);
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..4000 {
            *counts
                .entry(choice.new_tree(&mut runner).unwrap().current())
                .or_insert(0) += 1;
        }
        assert_eq!(counts.get(&'z'), None);
        let (a, b) = (counts[&'a'], counts[&'b']);
        assert!((2700..=3300).contains(&a) && a + b == 4000, "{counts:?}");
    }

    #[test]
    fn weighted_shrinks_within_the_pick_then_to_earlier_alternatives_skipping_weight_0() {
        let choice = crate::weighted![1 => Just(0u8), 0 => Just(1u8), 1 => 10u8..20];
        let mut runner = runner(2);
        let mut tree = loop {
            let tree = choice.new_tree(&mut runner).unwrap();
            if tree.current() >= 11 {
                break tree;
            }
        };
        // Within the range first, down to its lowest value.
        while tree.current() > 10 {
            assert!(tree.simplify());
        }
        assert!(tree.simplify(), "moves to the first alternative");
        assert_eq!(tree.current(), 0);
        assert!(tree.complicate(), "back to the range when 0 passes");
        assert_eq!(tree.current(), 10);
        assert!(!tree.simplify(), "the first alternative is not tried again");
    }

    #[test]
    fn picks_follow_the_weights_and_shrink_to_earlier_values_skipping_weight_0() {
        let choice = crate::pick![1 => 'a', 0 => 'z', 3 => 'b'];
        let mut runner = runner(7);
        let values: Vec<char> = (0..4000)
            .map(|_| choice.new_tree(&mut runner).unwrap().current())
            .collect();
        let b = values.iter().filter(|v| **v == 'b').count();
        assert!(!values.contains(&'z') && (2700..=3300).contains(&b), "{b}");
        let mut tree = loop {
            let tree = choice.new_tree(&mut runner).unwrap();
            if tree.current() == 'b' {
                break tree;
            }
        };
        assert!(tree.simplify());
        assert_eq!(tree.current(), 'a');
        assert!(tree.complicate(), "back to b when a passes");
        assert_eq!(tree.current(), 'b');
        assert!(!tree.simplify() && !tree.complicate());
    }

    #[test]
    fn earlier_alternatives_are_the_same_on_every_visit() {
        let choice = crate::weighted![1 => 0u32..1_000_000, 1 => Just(u32::MAX)];
        let mut runner = runner(3);
        let tree = loop {
            let tree = choice.new_tree(&mut runner).unwrap();
            if tree.current() == u32::MAX {
                break tree;
            }
        };
        let first = tree.tree_for(0).unwrap().current();
        assert_eq!(tree.tree_for(0).unwrap().current(), first);
    }

    #[test]
    fn text_respects_alphabets_and_lengths() {
        let strategy = text(&[(LOWER, 1, 1), (LOWER_DIGIT_HYPHEN, 0, 20)]);
        let mut runner = runner(4);
        let mut lengths = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let s = strategy.new_tree(&mut runner).unwrap().current();
            assert!((1..=21).contains(&s.len()), "{s}");
            assert!(s.as_bytes()[0].is_ascii_lowercase(), "{s}");
            assert!(s.bytes().all(|b| LOWER_DIGIT_HYPHEN.contains(&b)), "{s}");
            lengths.insert(s.len());
        }
        assert_eq!(lengths.len(), 21, "every length from 1 to 21 occurs");
    }

    #[test]
    fn text_characters_are_evenly_spread() {
        // 256-character strings: every position of a draw, and every letter, is used.
        let strategy = text(&[(LOWER, 256, 256)]);
        let mut runner = runner(6);
        let mut counts = [0u32; 26];
        for _ in 0..200 {
            for b in strategy.new_tree(&mut runner).unwrap().current().bytes() {
                counts[usize::from(b - b'a')] += 1;
            }
        }
        // 51,200 letters: 1,969 of each expected; 10% either way is over 9 sigma.
        for (letter, count) in counts.iter().enumerate() {
            assert!((1772..=2166).contains(count), "{letter}: {count}");
        }
    }

    #[test]
    fn maybe_gives_both_and_shrinks_to_none() {
        let strategy = maybe(1u8..5);
        let mut runner = runner(5);
        let values: Vec<_> = (0..200)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect();
        assert!(values.iter().any(Option::is_none) && values.iter().any(Option::is_some));
        let mut tree = loop {
            let tree = strategy.new_tree(&mut runner).unwrap();
            if tree.current().is_some() {
                break tree;
            }
        };
        while tree.simplify() {}
        assert_eq!(tree.current(), None);
    }
}
