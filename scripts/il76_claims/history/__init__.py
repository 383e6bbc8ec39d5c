"""Builds over time: git, the difference between two builds, renamed ids and
the version rules."""
