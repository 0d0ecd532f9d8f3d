"""The Harbor tasks here are test data: their tests/test_outputs.py run only through the
importer's python-grade wrapper (tests/test_skillsbench_import.py), never directly."""

collect_ignore_glob = ["tasks/*"]
