# The two commands analysts need: `make run` and `make test`. Both set up .venv/ themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
DATABASE_URL ?= sqlite:///tracker.db
# Two workers on this 2-core machine; a module stays on one worker, so each browser
# module starts its dashboard server once.
PYTEST_ARGS ?= -n auto --dist loadscope
HOST ?= 127.0.0.1
PORT ?= 8050
export DATABASE_URL
# Where PYTHONDONTWRITEBYTECODE is set (as on this machine), every server, command and
# test worker would compile the project from source again (a CLI start 0.3 s of CPU
# instead of 0.13): compile it first, as `--compile-bytecode` does for the packages.
COMPILE := $(BIN)/python -m compileall -q -j 0 tracker dashboard bench > /dev/null

.PHONY: run test lint setup lock clean eval-extraction extraction-model bench fuzz plotly-bundle

# Reinstall only when the declared or locked dependencies change.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(VENV)/.installed

run: setup
	$(COMPILE)
	$(BIN)/tracker init-db
	$(BIN)/tracker seed
	$(BIN)/python -m dashboard --host $(HOST) --port $(PORT)

# Lint, then the whole suite; pytest's "no tests collected" (exit 5) counts as a failure.
test: setup
	$(COMPILE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-resolve requirements.lock after editing pyproject.toml.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

# The learned ACLED typing of extraction, trained again from the project's own example
# sentences (tracker/data/extraction/training/); writes acled_model.npz and MODEL_CARD.md
# beside them. Seeded: the same sentences give the same model.
extraction-model: setup
	$(BIN)/python -m tracker.extraction.acled_training

# Measured extraction quality: the untouched test set (bench/extraction_eval/untouched/),
# the seed article and the gold sets in ../shared; writes bench/EXTRACTION.md.
eval-extraction: setup
	$(BIN)/python bench/eval_extraction.py --shared ../shared --output bench/EXTRACTION.md

# The benchmarks of issues #7 and #19 (well over an hour at N = 1,000,000; not part of
# CI): import, export and the timeline at 10,000, 100,000 and N events, on SQLite and on
# PostgreSQL (127.0.0.1:5432 or TRACKER_BENCH_POSTGRES_URL; scratch databases made and
# dropped), the rest at N. Data are generated into bench/.data/ once, the figures
# written to bench/RESULTS.md. `make bench BENCH_N=100000` for a quicker run,
# BENCH_ARGS="--skip postgres" to leave parts out. The reference tools (DuckDB,
# Datasette) are dev dependencies.
BENCH_N ?= 1000000
bench: setup
	$(COMPILE)
	BENCH_COMMAND="make bench BENCH_N=$(BENCH_N)" \
		$(BIN)/python -m bench.run_benchmarks --n $(BENCH_N) $(BENCH_ARGS)

# The hostile-request campaign of issue #18: FUZZ_REQUESTS seeded hostile requests on
# SQLite, then on PostgreSQL (127.0.0.1:5432, a scratch database made and dropped),
# against the dashboard under gunicorn; fails on any response >= 500, traceback or
# table count changed by a refused request. Figures in bench/FUZZ.md; the JSON
# summaries in bench/.fuzz/. `make fuzz FUZZ_ARGS="--backend sqlite --seed 7"`.
FUZZ_REQUESTS ?= 10000
fuzz: setup
	$(BIN)/python -m bench.fuzz --requests $(FUZZ_REQUESTS) $(FUZZ_ARGS)

# The partial plotly.js the dashboard serves, rebuilt from the pinned npm packages
# (needs node and npm); see dashboard/plotly_bundle/README.md.
plotly-bundle:
	dashboard/plotly_bundle/build.sh

clean:
	rm -rf $(VENV) .pytest_cache
