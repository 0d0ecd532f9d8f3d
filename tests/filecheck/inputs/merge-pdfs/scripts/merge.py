"""Placeholder bundled script for the frontend tests (never executed by SkillIR)."""
