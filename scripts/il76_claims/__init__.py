"""Checker and builder for the Il-76 Belgorod crash statements dataset."""

__version__ = "0.1.0"
