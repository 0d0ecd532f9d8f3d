#!/bin/bash
# SkillsBench-style solution: container paths are rewritten to the workspace on replay.
set -e
echo hello > /app/greeting.txt
