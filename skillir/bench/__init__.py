"""Benchmarks: tasks in SkVM's task.json format (`skillir.bench.task.load_task`), their
graders (`skillir.bench.graders.grade_task`, `skillir.bench.judge`) and SkVM's weighted score.
"""
