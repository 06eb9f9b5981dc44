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
