"""Calibration data and observed targets of the Lahti region."""
