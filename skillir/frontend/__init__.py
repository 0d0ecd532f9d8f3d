"""Frontends: SKILL.md folders (and later task formats) to IR."""
