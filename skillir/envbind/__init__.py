"""Environment binding: what a skill needs installed, whether this machine has it,
and the script that installs what is missing (issue 4; PAPER_NOTES section d, pass 2).
"""
