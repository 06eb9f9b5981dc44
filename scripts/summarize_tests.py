"""Count the results of the Odoo test runs and the pytest run into one line.

Reads any number of Odoo ``--test-enable`` logs (``--odoo LABEL LOG RC``, one
per run: the module's database, the coexistence database, Odoo's own tests
there) and pytest's JUnit report. Prints one line per run and the problems
found, then ``N passed, N failed`` as the last line, and exits non-zero when
anything failed, errored, was skipped or did not run.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPORT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_LEVEL_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
# odoo.tests.result logs each skipped test at INFO: "... INFO db logger: skipped Test.x : why".
SKIP_RE = re.compile(r"^\S+ \S+ \d+ INFO \S+ \S+: skipped (.*)$")


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
    skipped = [m.group(1) for m in map(SKIP_RE.match, text.splitlines()) if m]
    bad = failed + errors + len(skipped)
    if skipped:
        problems.append(
            f"Odoo skipped {len(skipped)} test(s), a skip counts as a failure here:\n  "
            + "\n  ".join(skipped[:10])
        )
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
    return max(total - failed - errors - len(skipped), 0), bad, problems


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
    parser.add_argument(
        "--odoo",
        nargs=3,
        action="append",
        default=[],
        metavar=("LABEL", "LOG", "RC"),
        help="an Odoo test run: its label, its log and odoo-bin's exit status",
    )
    parser.add_argument(
        "--odoo-must-run",
        nargs=2,
        action="append",
        default=[],
        metavar=("LABEL", "CLASS"),
        help="a test class that must have run in the Odoo run LABEL",
    )
    parser.add_argument("--junit", required=True)
    parser.add_argument("--pytest-rc", type=int, required=True)
    args = parser.parse_args()
    if not args.odoo:
        parser.error("at least one --odoo LABEL LOG RC is needed")
    must_run = {}
    for label, klass in args.odoo_must_run:
        must_run.setdefault(label, []).append(klass)

    passed = failed = 0
    problems, lines = [], []
    for label, log, rc in args.odoo:
        o_passed, o_failed, o_problems = odoo_counts(log, int(rc))
        text = (
            Path(log).read_text(encoding="utf-8", errors="replace") if Path(log).exists() else ""
        )
        for klass in must_run.get(label, ()):
            if f"Starting {klass}." not in text:
                o_problems.append(f"{klass} did not run")
                o_failed += 1
        problems += [f"{label}: {problem}" for problem in o_problems]
        lines.append(f"{label}: {o_passed} passed, {o_failed} failed")
        passed, failed = passed + o_passed, failed + o_failed
    p_passed, p_failed, p_problems = pytest_counts(args.junit, args.pytest_rc)
    problems += [f"top-level tests: {problem}" for problem in p_problems]
    lines.append(f"top-level tests: {p_passed} passed, {p_failed} failed")
    passed, failed = passed + p_passed, failed + p_failed
    for problem in problems:
        print(f"!! {problem}")
    print("; ".join(lines))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
