"""Taint tables (sources, sinks, sanitizers), the per-function walker and the linker."""
