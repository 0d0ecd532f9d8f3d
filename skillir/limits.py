"""The documented bounds on untrusted input, in one place. Each is checked before the
work it protects, and going over one is a one-line error (exit 2) that names the limit.
Real skills stay far below them: in the 127 corpus skills the largest front matter has
5 top-level keys and 1,165 bytes, and the most numbered list items in one skill is 75."""

MAX_FRONT_MATTER_BYTES = 64 << 10
"""YAML front matter over 64 KiB is refused (descriptions are capped at 1,024 characters)."""

MAX_FRONT_MATTER_KEYS = 256
"""Top-level front-matter keys; validators are quadratic in them (8,000 keys took 91 s)."""

MAX_YAML_NODES = 20_000
"""YAML nodes after alias expansion (a "billion laughs" alias bomb expands to 10^8)."""

MAX_NESTING = 64
"""Nesting depth of YAML, JSON and IR (deeper input exhausts Python's recursion)."""

MAX_STEPS = 2_000
"""Numbered steps in one skill."""

MAX_BLOCKS = 20_000
"""Markdown blocks (paragraphs, list items, code blocks, headings) in one skill."""
