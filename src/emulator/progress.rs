//! Asynchronous progress of a resource along its provisioning chain
//! (e.g. requested ⇢ pending ⇢ available), shared by every resource family.
//!
//! Two modes, chosen by `EmulatorConfig::async_delay`:
//! - a delay above zero: clock-driven, AWS-like: each state lasts `async_delay`;
//! - zero (the default): observation-driven and deterministic: every Describe that
//!   shows the resource moves it one edge further, so a short sequence of calls
//!   walks every documented edge, and a resource at the end of its chain that can
//!   flap (available ⇄ down, documented for connections, LAGs and VIFs) reports
//!   `down` on every fifth observation, then `available` again.
//!
//! States only ever move forward along the chain; flaps are the documented exception.

use std::time::Duration;

/// Where a resource is on its chain.
#[derive(Debug, Clone)]
pub(super) struct Progress {
    chain: &'static [&'static str],
    created_at: Duration,
    /// Observations made so far (the create answer counts as the first).
    observations: u32,
    /// Deterministic per-resource offset for flaps.
    flap_offset: u32,
    /// Whether this resource already went pending ⇢ down on its way to available.
    detoured: bool,
    /// The state last reported (writes answer it as "the current state").
    last_reported: &'static str,
    /// In clock-driven mode, how long the first state lasts when AWS keeps it longer
    /// than one delay (zero: one delay, as every state).
    first_held: Duration,
}

// State chains shared by several resource families.
const AVAILABLE: &[&str] = &["available"];
pub(super) const PROVISIONING: &[&str] = &["pending", "available"];
pub(super) const DELETING: &[&str] = &["deleting", "deleted"];
pub(super) const ASSOCIATING: &[&str] = &["associating", "associated"];

/// Observations between flaps in observation-driven mode.
const FLAP_EVERY: u32 = 3;

impl Progress {
    /// A resource created at `now`, at the start of `chain`. `seed` spreads flaps
    /// across resources (e.g. a hash of the id).
    pub(super) fn new(chain: &'static [&'static str], now: Duration, seed: u32) -> Progress {
        Progress {
            chain,
            created_at: now,
            observations: 1,
            flap_offset: seed % FLAP_EVERY,
            detoured: false,
            last_reported: chain[0],
            first_held: Duration::ZERO,
        }
    }

    /// The same, its first state lasting `held` in clock-driven mode (e.g. a gateway
    /// association `associating` for 45 minutes, `Quirks::associating`).
    pub(super) fn first_held(self, held: Duration) -> Progress {
        Progress {
            first_held: held,
            ..self
        }
    }

    #[cfg_attr(not(test), allow(dead_code))]
    fn last(&self) -> &'static str {
        self.chain[self.chain.len() - 1]
    }

    fn by_clock(&self, now: Duration, delay: Duration) -> &'static str {
        let mut age = now.saturating_sub(self.created_at);
        let mut held_steps = 0;
        if !self.first_held.is_zero() {
            if age < self.first_held {
                return self.chain[0];
            }
            age -= self.first_held;
            held_steps = 1;
        }
        let steps = if delay.is_zero() {
            usize::MAX
        } else {
            held_steps + (age.as_nanos() / delay.as_nanos().max(1)) as usize
        };
        self.chain[steps.min(self.chain.len() - 1)]
    }

    /// How long ago the resource was created (or restarted on its current chain).
    pub(super) fn age(&self, now: Duration) -> Duration {
        now.saturating_sub(self.created_at)
    }

    /// The state a Describe reports; in observation-driven mode it also advances.
    pub(super) fn observe(
        &mut self,
        now: Duration,
        delay: Duration,
        can_flap: bool,
    ) -> &'static str {
        let state = self.advance(now, delay, can_flap);
        self.last_reported = state;
        state
    }

    fn advance(&mut self, now: Duration, delay: Duration, can_flap: bool) -> &'static str {
        if !delay.is_zero() {
            return self.by_clock(now, delay);
        }
        let index = (self.observations as usize).min(self.chain.len() - 1);
        let state = self.chain[index];
        // Every other resource that can flap comes up through `down` (pending ⇢ down ⇢
        // available, documented as "pending ⇢ available | down").
        let arriving = index + 1 == self.chain.len() && index as u32 == self.observations;
        if can_flap
            && arriving
            && state == "available"
            && !self.detoured
            && self.flap_offset % 2 == 0
        {
            self.detoured = true;
            return "down";
        }
        self.observations = self.observations.saturating_add(1);
        // Flap only once `available` has been reported, so the flap is seen as available ⇢ down.
        let settled_before = self.observations as usize > self.chain.len();
        if can_flap
            && settled_before
            && state == "available"
            && (self.observations + self.flap_offset) % FLAP_EVERY == 0
        {
            return "down";
        }
        state
    }

    /// The state a write answers with ("the current state"): no advance, no flap.
    pub(super) fn current(&self, now: Duration, delay: Duration) -> &'static str {
        if !delay.is_zero() {
            return self.by_clock(now, delay);
        }
        self.last_reported
    }

    /// The state of a resource that is `deleted` at once: a Describe `observe`s (and
    /// may advance) it, a write answers its current state.
    pub(super) fn state_unless_deleted(
        &mut self,
        deleted: bool,
        now: Duration,
        delay: Duration,
        observe: bool,
    ) -> &'static str {
        if deleted {
            "deleted"
        } else if observe {
            self.observe(now, delay, true)
        } else {
            self.current(now, delay)
        }
    }

    /// Whether the chain has reached its last state (for rules such as "only an
    /// available connection can …").
    #[cfg_attr(not(test), allow(dead_code))] // for future "only when available" rules
    pub(super) fn settled(&self, now: Duration, delay: Duration) -> bool {
        self.current(now, delay) == self.last()
    }

    /// Restart on a new chain (e.g. a VIF attribute update → pending ⇢ available).
    pub(super) fn restart(&mut self, chain: &'static [&'static str], now: Duration) {
        self.chain = chain;
        self.created_at = now;
        self.observations = 1;
        self.last_reported = chain[0];
        self.first_held = Duration::ZERO;
    }
}

/// What a delete answers: AWS's published outputs show `deleted` at once, and the
/// state set also has `deleting` (⇢ `deleted`). The reference target answers both,
/// half the resources each (by `seed`), so harnesses see both documented answers;
/// the next Describe reports `deleted` either way.
pub(super) fn deletion_answer(seed: u32) -> &'static str {
    if seed % 2 == 0 {
        "deleting"
    } else {
        "deleted"
    }
}

/// The chain of a new resource whose first state AWS does not pin down: one in
/// `every` (by `seed`) starts `pending`, the others `available`, so harnesses see both.
pub(super) fn pending_one_in(every: u32, seed: u32) -> &'static [&'static str] {
    if seed % every == 0 {
        PROVISIONING
    } else {
        AVAILABLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN: &[&str] = &["requested", "pending", "available"];

    #[test]
    fn observation_driven_walks_one_edge_per_observation_then_flaps() {
        let mut p = Progress::new(CHAIN, Duration::ZERO, 1);
        assert_eq!(p.current(Duration::ZERO, Duration::ZERO), "requested");
        let seen: Vec<&str> = (0..12)
            .map(|_| p.observe(Duration::ZERO, Duration::ZERO, true))
            .collect();
        assert_eq!(&seen[..3], &["pending", "available", "available"]);
        let mut detour = Progress::new(CHAIN, Duration::ZERO, 0);
        let seen_detour: Vec<&str> = (0..3)
            .map(|_| detour.observe(Duration::ZERO, Duration::ZERO, true))
            .collect();
        assert_eq!(seen_detour, ["pending", "down", "available"]);
        assert!(seen.contains(&"down"), "{seen:?}");
        for pair in seen.windows(2) {
            assert!(
                pair[0] != "down" || pair[1] == "available",
                "down returns to available: {seen:?}"
            );
        }
        let last = *seen.last().unwrap();
        assert_eq!(
            p.current(Duration::ZERO, Duration::ZERO),
            last,
            "writes answer the state last reported"
        );
    }

    #[test]
    fn clock_driven_moves_with_time_only() {
        let delay = Duration::from_secs(1);
        let mut p = Progress::new(CHAIN, Duration::ZERO, 0);
        assert_eq!(
            p.observe(Duration::from_millis(500), delay, true),
            "requested"
        );
        assert_eq!(
            p.observe(Duration::from_millis(1500), delay, true),
            "pending"
        );
        assert_eq!(p.observe(Duration::from_secs(9), delay, true), "available");
        assert!(p.settled(Duration::from_secs(9), delay));
    }

    #[test]
    fn a_held_first_state_lasts_its_own_time_then_the_chain_goes_on_by_the_delay() {
        let delay = Duration::from_secs(1);
        let held = Duration::from_secs(45);
        let mut p = Progress::new(ASSOCIATING, Duration::ZERO, 0).first_held(held);
        assert_eq!(
            p.observe(Duration::from_secs(2), delay, false),
            "associating"
        );
        assert_eq!(
            p.observe(Duration::from_secs(44), delay, false),
            "associating"
        );
        assert_eq!(
            p.observe(Duration::from_secs(45), delay, false),
            "associated"
        );
        // A restart (e.g. an update) is not held.
        p.restart(ASSOCIATING, Duration::from_secs(50));
        assert_eq!(p.current(Duration::from_secs(51), delay), "associated");
    }

    #[test]
    fn without_flapping_a_settled_resource_stays() {
        let mut p = Progress::new(&["available"], Duration::ZERO, 3);
        assert!((0..20).all(|_| p.observe(Duration::ZERO, Duration::ZERO, false) == "available"));
    }
}
