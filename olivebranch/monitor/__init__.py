"""Keeping watch: list ages, updates from the publishers, watchlists re-screened against what changed, deals re-assessed and alerts."""
