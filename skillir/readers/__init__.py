"""Readers of code in skills, IR-free: the one language table (`languages`), the shell
reader (`shell`), the Python reader (`python`) and the JavaScript reader (`js`).
Capability inference, concurrency extraction and environment binding read code
through these, so they agree on what a block runs, imports, reads and writes.
Each returns plain records; nothing here imports xdsl or any other SkillIR layer
above `errors`."""
