# The two commands of README.md, and the lint.
.PHONY: run test lint bench

run:  ## venv, dependencies, throwaway PostgreSQL, demo database, web client on :8069
	bash scripts/run.sh

test:  ## every test suite, ends with "N passed, N failed"
	bash scripts/test.sh

lint:  ## ruff, pylint-odoo and oca-checks-odoo-module through pre-commit
	bash scripts/lint.sh

bench:  ## benchmarks under tests/benchmarks (figures, not assertions)
	bash scripts/bench.sh

# --- scale: serving a larger team (README "Deploying for a larger team") ---
.PHONY: load replica
load:  ## load test against a running server: BO_HTTP_PORT, BO_DB, BO_WORKERS, BO_LOAD_LEVELS (1,6,12), BO_LOAD_SECONDS (60), BO_LOAD_THINK (2), BO_LOAD_RAMP (1)
	.cache/venv/bin/python tests/benchmarks/load.py --base http://127.0.0.1:$${BO_HTTP_PORT:-8069} \
		--db $${BO_DB:-sales_backoffice} --workers $${BO_WORKERS:-1} --levels $${BO_LOAD_LEVELS:-1,6,12} \
		--duration $${BO_LOAD_SECONDS:-60} --think $${BO_LOAD_THINK:-2} --ramp $${BO_LOAD_RAMP:-1}

replica:  ## serve with a streaming replica for read-only requests (scripts/replica.sh)
	bash scripts/replica.sh
