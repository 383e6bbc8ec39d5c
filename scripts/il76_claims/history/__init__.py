"""Builds over time: git, the difference between two builds, the version
rules and the release archive."""
