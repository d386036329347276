"""Scenarios and intervention modules (the measures of the experiment)."""
