"""Exporters: write a Profile in another tool's format."""
