"""The region model: configuration, the month's phases, matching, benefits and indicators."""
