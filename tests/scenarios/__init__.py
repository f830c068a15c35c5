"""Scenarios built by code against moto: used by tests, the example snapshot script and benchmarks."""
