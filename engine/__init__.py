"""Sounding's engine: opens snapshots, runs sandboxed SQL rules over them, reports findings."""
