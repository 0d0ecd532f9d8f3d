"""Shared machinery of the harness backends: token counting, validation, folders."""
