//! The model's parameters.

/// Milliseconds in a simulated day.
pub const DAY_MS: i64 = 86_400_000;
/// Milliseconds in an hour.
pub const HOUR_MS: i64 = 3_600_000;

/// Everything the model takes. `Params::default()` is the 100k-member, 7-day community of issue #4
/// (about 5M follows, 1M notes, 20M likes, 5M collects, 2M comments); [`Params::demo`] is the small
/// community `serve --demo` seeds.
///
/// Shares are probabilities in `[0, 1]`; rates are expectations. Call [`Params::validate`] on values
/// that come from a user: [`crate::population`] and [`crate::days`] clamp out-of-range values rather
/// than fail.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Number of people (accounts), residents and wave together.
    pub users: u32,
    /// Simulated span in days; activity is generated for days `0..days`.
    pub days: u32,
    /// The seed: the same `Params` give the same community, byte for byte.
    pub seed: u64,

    /// Share of people in the resident community (mostly Chinese-speaking, regions CN, TW, HK, SG,
    /// MY), present before day 0. The rest is the influx wave (mostly English-speaking, US first).
    pub resident_share: f64,
    /// Residents joined uniformly over this many days before day 0.
    pub resident_history_days: u32,
    /// The wave's arrival front, in days after day 0: see `wave_front_share`.
    pub wave_front_days: f64,
    /// Arrival times are exponential with the rate at which `wave_front_share` of an unbounded wave
    /// arrives by `wave_front_days`, conditioned on arriving within the span. The measured share by
    /// the front is therefore `wave_front_share / (1 - (1 - wave_front_share)^(days / front))`
    /// (0.86 for the defaults: 0.85 / 0.988); see [`Params::expected_wave_share_by_front`].
    pub wave_front_share: f64,
    /// Share of the wave that departs ("the tide recedes"): each such person gets an
    /// `active_until` 0.5 to 3 days after joining and does nothing after it.
    pub departure_share: f64,

    /// Probability that a follow goes to someone of the follower's own community (resident or wave).
    pub homophily: f64,
    /// Mean number of accounts a person follows (log-normal spread per person, spam accounts ×3).
    pub follows_per_user: f64,
    /// Probability that a like, collect or comment by a one-language person goes to a note in their
    /// own language group (people with two languages: halfway to 0.5). The rest crosses over.
    pub engagement_homophily: f64,
    /// Share of likes that come from the home feed (a recent note of someone the person follows);
    /// the rest are drawn Explore-style by topic, language, recency and author popularity.
    pub follow_feed_share: f64,

    /// Expected notes per person per day, averaged over everyone and the whole span (people who are
    /// not there yet or have left post nothing; the others post correspondingly more).
    pub notes_per_user_day: f64,
    /// Expected likes per person per day, averaged the same way.
    pub likes_per_user_day: f64,
    /// Expected collects per like.
    pub collects_per_like: f64,
    /// Expected comments per like.
    pub comments_per_like: f64,
    /// Expected likes per comment.
    pub comment_likes_per_comment: f64,

    /// Share of people who post near-copies of one personal template.
    pub formulaic_share: f64,
    /// Share of spam accounts (link and contact bait).
    pub spam_share: f64,
    /// Share of rule breakers (insults and harassment, as harmless placeholder phrases).
    pub rule_breaker_share: f64,

    /// Recency scale of engagement: a note's pull decays as `exp(-age / recency_days)`.
    pub recency_days: f64,
    /// Notes older than this many days (counting the current day) get no new engagement.
    pub engagement_window_days: u32,
    /// Number of images in the photo pool that notes reference (see [`crate::pool_photo`]).
    pub photo_pool_size: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            users: 100_000,
            days: 7,
            seed: 1,
            resident_share: 0.6,
            resident_history_days: 730,
            wave_front_days: 3.0,
            wave_front_share: 0.85,
            departure_share: 0.4,
            homophily: 0.8,
            follows_per_user: 50.0,
            engagement_homophily: 0.75,
            follow_feed_share: 0.3,
            notes_per_user_day: 1.43,
            likes_per_user_day: 28.6,
            collects_per_like: 0.25,
            comments_per_like: 0.1,
            comment_likes_per_comment: 0.5,
            formulaic_share: 0.05,
            spam_share: 0.02,
            rule_breaker_share: 0.01,
            recency_days: 1.0,
            engagement_window_days: 3,
            photo_pool_size: 2000,
        }
    }
}

/// A parameter out of its range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("sim parameter `{field}` {reason}")]
pub struct ParamsError {
    /// The field's name in [`Params`].
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// Most people the model handles (handles and indices stay well inside their limits).
pub const MAX_USERS: u32 = 50_000_000;
/// Longest span.
pub const MAX_DAYS: u32 = 3650;

impl Params {
    /// The community `serve --demo` seeds: 500 people over 4 days, about 2,900 notes.
    pub fn demo() -> Self {
        Self { users: 500, days: 4, ..Self::default() }
    }

    /// `Params::default()` with another size.
    pub fn sized(users: u32, days: u32) -> Self {
        Self { users, days, ..Self::default() }
    }

    /// Check every field's range.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let err = |field, reason: &str| Err(ParamsError { field, reason: reason.to_owned() });
        if !(1..=MAX_USERS).contains(&self.users) {
            return err("users", &format!("must be 1 to {MAX_USERS}"));
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            return err("days", &format!("must be 1 to {MAX_DAYS}"));
        }
        if self.resident_history_days == 0 || self.resident_history_days > 36_500 {
            return err("resident_history_days", "must be 1 to 36500");
        }
        if self.engagement_window_days == 0 || self.engagement_window_days > 365 {
            return err("engagement_window_days", "must be 1 to 365");
        }
        if self.photo_pool_size == 0 {
            return err("photo_pool_size", "must be at least 1");
        }
        let shares = [
            ("resident_share", self.resident_share),
            ("departure_share", self.departure_share),
            ("homophily", self.homophily),
            ("engagement_homophily", self.engagement_homophily),
            ("follow_feed_share", self.follow_feed_share),
            ("formulaic_share", self.formulaic_share),
            ("spam_share", self.spam_share),
            ("rule_breaker_share", self.rule_breaker_share),
        ];
        for (field, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return err(field, "must be between 0 and 1");
            }
        }
        if self.formulaic_share + self.spam_share + self.rule_breaker_share > 1.0 {
            return err("formulaic_share", "plus spam_share plus rule_breaker_share exceeds 1");
        }
        if !(self.wave_front_share > 0.0 && self.wave_front_share < 1.0) {
            return err("wave_front_share", "must be strictly between 0 and 1");
        }
        let positive = [
            ("wave_front_days", self.wave_front_days, 1e-3, 3650.0),
            ("recency_days", self.recency_days, 1e-3, 365.0),
        ];
        for (field, v, lo, hi) in positive {
            if !(lo..=hi).contains(&v) {
                return err(field, &format!("must be between {lo} and {hi}"));
            }
        }
        let rates = [
            ("follows_per_user", self.follows_per_user, 10_000.0),
            ("notes_per_user_day", self.notes_per_user_day, 1_000.0),
            ("likes_per_user_day", self.likes_per_user_day, 10_000.0),
            ("collects_per_like", self.collects_per_like, 10.0),
            ("comments_per_like", self.comments_per_like, 10.0),
            ("comment_likes_per_comment", self.comment_likes_per_comment, 100.0),
        ];
        for (field, v, hi) in rates {
            if !(0.0..=hi).contains(&v) {
                return err(field, &format!("must be between 0 and {hi}"));
            }
        }
        Ok(())
    }

    /// A copy with every field forced into its valid range (NaN becomes the default).
    pub fn clamped(&self) -> Self {
        let d = Self::default();
        let share = |v: f64, def: f64| if v.is_nan() { def } else { v.clamp(0.0, 1.0) };
        let range =
            |v: f64, def: f64, lo: f64, hi: f64| if v.is_nan() { def } else { v.clamp(lo, hi) };
        let mut p = Self {
            users: self.users.clamp(1, MAX_USERS),
            days: self.days.clamp(1, MAX_DAYS),
            seed: self.seed,
            resident_share: share(self.resident_share, d.resident_share),
            resident_history_days: self.resident_history_days.clamp(1, 36_500),
            wave_front_days: range(self.wave_front_days, d.wave_front_days, 1e-3, 3650.0),
            wave_front_share: range(self.wave_front_share, d.wave_front_share, 1e-6, 1.0 - 1e-6),
            departure_share: share(self.departure_share, d.departure_share),
            homophily: share(self.homophily, d.homophily),
            follows_per_user: range(self.follows_per_user, d.follows_per_user, 0.0, 10_000.0),
            engagement_homophily: share(self.engagement_homophily, d.engagement_homophily),
            follow_feed_share: share(self.follow_feed_share, d.follow_feed_share),
            notes_per_user_day: range(self.notes_per_user_day, d.notes_per_user_day, 0.0, 1000.0),
            likes_per_user_day: range(self.likes_per_user_day, d.likes_per_user_day, 0.0, 10_000.0),
            collects_per_like: range(self.collects_per_like, d.collects_per_like, 0.0, 10.0),
            comments_per_like: range(self.comments_per_like, d.comments_per_like, 0.0, 10.0),
            comment_likes_per_comment: range(
                self.comment_likes_per_comment,
                d.comment_likes_per_comment,
                0.0,
                100.0,
            ),
            formulaic_share: share(self.formulaic_share, d.formulaic_share),
            spam_share: share(self.spam_share, d.spam_share),
            rule_breaker_share: share(self.rule_breaker_share, d.rule_breaker_share),
            recency_days: range(self.recency_days, d.recency_days, 1e-3, 365.0),
            engagement_window_days: self.engagement_window_days.clamp(1, 365),
            photo_pool_size: self.photo_pool_size.max(1),
        };
        let special = p.formulaic_share + p.spam_share + p.rule_breaker_share;
        if special > 1.0 {
            // A hair under 1 after scaling, so rounding cannot push the sum back over.
            let scale = (1.0 - 1e-9) / special;
            p.formulaic_share *= scale;
            p.spam_share *= scale;
            p.rule_breaker_share *= scale;
        }
        p
    }

    /// The span's end, in ms from the start.
    pub fn end_ms(&self) -> i64 {
        i64::from(self.days) * DAY_MS
    }

    /// The expected share of the wave that has arrived by `wave_front_days` (see
    /// `wave_front_share`): 1 when the span ends before the front.
    pub fn expected_wave_share_by_front(&self) -> f64 {
        let span = f64::from(self.days);
        if span <= self.wave_front_days {
            return 1.0;
        }
        let within_span = 1.0 - (1.0 - self.wave_front_share).powf(span / self.wave_front_days);
        (self.wave_front_share / within_span).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Params::default().validate(), Ok(()));
        assert_eq!(Params::demo().validate(), Ok(()));
    }

    #[test]
    fn bad_values_are_refused_and_clamped() {
        let p = Params { homophily: 1.5, ..Params::default() };
        assert_eq!(p.validate().map_err(|e| e.field), Err("homophily"));
        assert_eq!(p.clamped().homophily, 1.0);
        let p = Params { users: 0, ..Params::default() };
        assert!(p.validate().is_err());
        assert_eq!(p.clamped().users, 1);
        let p = Params { recency_days: f64::NAN, ..Params::default() };
        assert!(p.validate().is_err());
        assert_eq!(p.clamped().validate(), Ok(()));
        let p = Params { spam_share: 0.8, formulaic_share: 0.8, ..Params::default() };
        assert!(p.validate().is_err());
        assert_eq!(p.clamped().validate(), Ok(()));
    }

    #[test]
    fn wave_share_by_front() {
        let p = Params::default();
        let s = p.expected_wave_share_by_front();
        assert!((0.85..0.87).contains(&s), "{s}");
        assert_eq!(Params { days: 2, ..p }.expected_wave_share_by_front(), 1.0);
    }
}
