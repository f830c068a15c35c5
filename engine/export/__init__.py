"""Exports: opt-in write calls that put a snapshot's findings where people work (Security Hub)."""
