"""Count the results of the Odoo test run and the pytest run into one line.

Prints the problems found, then ``N passed, N failed`` as the last line, and
exits non-zero when anything failed, errored, was skipped or did not run.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPORT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_LEVEL_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def odoo_counts(log_path, rc):
    """Return (passed, failed, problems) from an Odoo --test-enable log."""
    problems = []
    text = (
        Path(log_path).read_text(encoding="utf-8", errors="replace")
        if Path(log_path).exists()
        else ""
    )
    reports = REPORT_RE.findall(text)
    if not reports:
        return 0, 1, ["Odoo run produced no test report (did the install fail?)"]
    failed, errors, total = (int(x) for x in reports[-1])
    bad = failed + errors
    if total == 0:
        problems.append("Odoo ran no test")
        bad += 1
    error_lines = [line for line in text.splitlines() if LOG_LEVEL_RE.match(line)]
    if error_lines and not failed + errors:
        # Errors logged outside any failing test (install, registry, cron...).
        problems.append(
            "Odoo logged errors outside the tests:\n  " + "\n  ".join(error_lines[:10])
        )
        bad += 1
    if rc != 0 and not bad:
        problems.append(f"Odoo exited with status {rc}")
        bad += 1
    return max(total - failed - errors, 0), bad, problems


def pytest_counts(junit_path, rc):
    problems = []
    path = Path(junit_path)
    if not path.exists():
        return 0, 1, [f"pytest wrote no report (exit status {rc})"]
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failures = errors = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    bad = failures + errors + skipped
    if skipped:
        problems.append(f"pytest skipped {skipped} test(s): a skip counts as a failure here")
    if tests == 0:
        problems.append("pytest ran no test")
        bad += 1
    if rc not in (0, 1) and not bad:
        problems.append(f"pytest exited with status {rc}")
        bad += 1
    return max(tests - failures - errors - skipped, 0), bad, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--odoo-log", required=True)
    parser.add_argument("--odoo-rc", type=int, required=True)
    parser.add_argument("--junit", required=True)
    parser.add_argument("--pytest-rc", type=int, required=True)
    args = parser.parse_args()
    o_passed, o_failed, o_problems = odoo_counts(args.odoo_log, args.odoo_rc)
    p_passed, p_failed, p_problems = pytest_counts(args.junit, args.pytest_rc)
    for problem in o_problems + p_problems:
        print(f"!! {problem}")
    print(
        f"Odoo tests: {o_passed} passed, {o_failed} failed; "
        f"top-level tests: {p_passed} passed, {p_failed} failed"
    )
    passed, failed = o_passed + p_passed, o_failed + p_failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
