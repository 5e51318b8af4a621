"""Benchmarks that print, never tests: see bench/README.md."""
