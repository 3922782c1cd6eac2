"""Inspector consistency: blind double-marking, and the calibration report."""
