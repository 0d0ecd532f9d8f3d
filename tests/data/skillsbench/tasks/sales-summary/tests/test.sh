#!/bin/bash
# Harbor's verifier entry point (not used by SkillIR: the importer runs pytest itself).
pytest /tests/test_outputs.py -rA
