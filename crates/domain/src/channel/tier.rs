//! Tiers: a price and a duration each, 1–3 per channel in order gold, silver, bronze.

use std::fmt;

use crate::limits::{DURATION_MAX_DAYS, DURATION_MIN_DAYS, LIFETIME_DAYS, TIERS_MAX, TIERS_MIN};

use super::UsdPrice;

/// A subscription length: 1–999 days, or exactly 36500 days for lifetime access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DurationDays(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be {DURATION_MIN_DAYS} to {DURATION_MAX_DAYS} days, or {LIFETIME_DAYS} for lifetime access")]
pub struct DurationDaysError;

impl DurationDays {
    pub const LIFETIME: DurationDays = DurationDays(LIFETIME_DAYS);

    pub fn parse(raw: i64) -> Result<DurationDays, DurationDaysError> {
        match u32::try_from(raw) {
            Ok(days) if (DURATION_MIN_DAYS..=DURATION_MAX_DAYS).contains(&days) => Ok(DurationDays(days)),
            Ok(LIFETIME_DAYS) => Ok(DurationDays::LIFETIME),
            _ => Err(DurationDaysError),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn is_lifetime(self) -> bool {
        self.0 == LIFETIME_DAYS
    }
}

impl fmt::Display for DurationDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<DurationDays> for i64 {
    fn from(days: DurationDays) -> i64 {
        i64::from(days.0)
    }
}

/// One offer of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tier {
    pub price: UsdPrice,
    pub duration: DurationDays,
}

/// A tier's rank, by its position in the channel's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TierLevel {
    Gold,
    Silver,
    Bronze,
}

impl TierLevel {
    pub const ALL: [TierLevel; TIERS_MAX] = [TierLevel::Gold, TierLevel::Silver, TierLevel::Bronze];

    pub fn index(self) -> usize {
        match self {
            TierLevel::Gold => 0,
            TierLevel::Silver => 1,
            TierLevel::Bronze => 2,
        }
    }

    pub fn from_index(index: usize) -> Option<TierLevel> {
        TierLevel::ALL.get(index).copied()
    }

    /// The level as stored (`tier_level`, `tiers.level`): 0 gold, 1 silver, 2 bronze.
    pub fn stored(self) -> i16 {
        match self {
            TierLevel::Gold => 0,
            TierLevel::Silver => 1,
            TierLevel::Bronze => 2,
        }
    }

    /// Reads a stored level; any other number is an error, never a default.
    pub fn from_stored(raw: i16) -> Result<TierLevel, crate::status::UnknownValue> {
        usize::try_from(raw)
            .ok()
            .and_then(TierLevel::from_index)
            .ok_or_else(|| crate::status::UnknownValue { what: "tier level", value: raw.to_string() })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TierLevel::Gold => "gold",
            TierLevel::Silver => "silver",
            TierLevel::Bronze => "bronze",
        }
    }

    pub fn parse(raw: &str) -> Option<TierLevel> {
        TierLevel::ALL.into_iter().find(|level| level.as_str() == raw)
    }

    pub fn emoji(self) -> &'static str {
        match self {
            TierLevel::Gold => "🥇",
            TierLevel::Silver => "🥈",
            TierLevel::Bronze => "🥉",
        }
    }
}

impl fmt::Display for TierLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A channel's 1–3 tiers, in the order given (first is gold).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tiers(Vec<Tier>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must list {TIERS_MIN} to {TIERS_MAX} tiers")]
pub struct TierCountError;

impl Tiers {
    pub fn parse(tiers: Vec<Tier>) -> Result<Tiers, TierCountError> {
        if (TIERS_MIN..=TIERS_MAX).contains(&tiers.len()) { Ok(Tiers(tiers)) } else { Err(TierCountError) }
    }

    pub fn get(&self, level: TierLevel) -> Option<&Tier> {
        self.0.get(level.index())
    }

    /// Every tier with its level, gold first.
    pub fn iter(&self) -> impl Iterator<Item = (TierLevel, &Tier)> {
        TierLevel::ALL.into_iter().zip(self.0.iter())
    }

    pub fn as_slice(&self) -> &[Tier] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a channel has at least one tier.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn tier(price: &str, days: i64) -> Option<Tier> {
        let price = UsdPrice::parse(price, Decimal::ZERO).ok()?;
        Some(Tier { price, duration: DurationDays::parse(days).ok()? })
    }

    #[test]
    fn durations_of_1_to_999_days_or_36500_are_accepted() {
        for days in [1, 30, 999, 36500] {
            assert_eq!(DurationDays::parse(days).map(DurationDays::get), Ok(days as u32));
        }
        assert_eq!(DurationDays::parse(36500).map(DurationDays::is_lifetime), Ok(true));
        assert_eq!(DurationDays::parse(30).map(DurationDays::is_lifetime), Ok(false));
    }

    #[test]
    fn durations_of_0_1000_36499_36501_or_negative_days_are_rejected() {
        for days in [0, 1000, 36499, 36501, -30, i64::MAX, i64::from(u32::MAX) + 30] {
            assert_eq!(DurationDays::parse(days), Err(DurationDaysError), "{days}");
        }
    }

    #[test]
    fn tier_levels_follow_list_positions_with_medals() {
        assert_eq!(TierLevel::from_index(0), Some(TierLevel::Gold));
        assert_eq!(TierLevel::from_index(2), Some(TierLevel::Bronze));
        assert_eq!(TierLevel::from_index(3), None);
        assert_eq!(TierLevel::Silver.index(), 1);
        assert_eq!(TierLevel::parse("silver"), Some(TierLevel::Silver));
        assert_eq!(TierLevel::parse("platinum"), None);
        let medals: Vec<&str> = TierLevel::ALL.iter().map(|l| l.emoji()).collect();
        assert_eq!(medals, ["🥇", "🥈", "🥉"]);
    }

    #[test]
    fn every_stored_tier_level_round_trips_and_other_numbers_are_errors() {
        for level in TierLevel::ALL {
            assert_eq!(TierLevel::from_stored(level.stored()), Ok(level));
        }
        for bad in [-1, 3, 7, i16::MIN, i16::MAX] {
            let error = TierLevel::from_stored(bad).unwrap_err();
            assert_eq!(error.to_string(), format!("unknown tier level: \"{bad}\""));
        }
    }

    #[test]
    fn one_to_three_tiers_are_kept_in_order() {
        let list: Option<Vec<Tier>> = [tier("9", 30), tier("5", 7), tier("20", 36500)].into_iter().collect();
        let tiers = Tiers::parse(list.unwrap_or_default());
        let levels: Option<Vec<(TierLevel, u32)>> =
            tiers.ok().map(|t| t.iter().map(|(level, tier)| (level, tier.duration.get())).collect());
        assert_eq!(
            levels,
            Some(vec![(TierLevel::Gold, 30), (TierLevel::Silver, 7), (TierLevel::Bronze, 36500)])
        );
    }

    #[test]
    fn zero_or_four_tiers_are_rejected() {
        assert_eq!(Tiers::parse(vec![]), Err(TierCountError));
        let four: Vec<Tier> = (1..=4).filter_map(|days| tier("5", days)).collect();
        assert_eq!(four.len(), 4);
        assert_eq!(Tiers::parse(four), Err(TierCountError));
    }
}
