"""Grader for graded_python: total.txt holds the sum of numbers.csv's value column."""
import csv
import os


def grade(transcript, workspace_path):
    with open(os.path.join(workspace_path, "numbers.csv"), newline="") as fh:
        expected = sum(int(row["value"]) for row in csv.DictReader(fh))
    path = os.path.join(workspace_path, "total.txt")
    text = open(path).read().strip() if os.path.exists(path) else None
    used_tools = any(block.get("type") == "tool_use"
                     for msg in transcript if msg["role"] == "assistant"
                     for block in msg["content"])
    return [
        {"id": "total-exists", "score": 1.0 if text is not None else 0.0, "weight": 0.3,
         "description": "total.txt exists at the workspace root"},
        {"id": "total-correct", "score": 1.0 if text == str(expected) else 0.0, "weight": 0.5,
         "description": f"total.txt holds the column sum {expected}",
         "details": None if text == str(expected) else f"got {text!r}"},
        {"id": "used-tools", "score": 1.0 if used_tools else 0.0, "weight": 0.2,
         "description": "the agent used its tools (transcript inspection)"},
    ]
