"""Readers of code in skills, IR-free: the one language table (`languages`), the shell
reader (`shell`), the Python reader (`python`) and the JavaScript reader (`js`).
Capability inference, concurrency extraction and environment binding read code
through these, so they agree on what a block runs, imports, reads and writes.
Each returns plain records; nothing here imports xdsl or any other SkillIR layer
above `errors`."""


def forget_parses() -> None:
    """Drop the parses the shell and Python readers keep (keyed by the code's text), so
    that one compile's parses serve the analyses of that compile only: a compile starts
    with this (`skillir.frontend.skill_md.load_skill`), and a skill compiled twice is
    read twice, as the speed benchmark must see it."""
    from skillir.readers.python import _read_python
    from skillir.readers.shell import _read_shell

    _read_python.cache_clear()
    _read_shell.cache_clear()
