"""What the benchmark scripts share: their common arguments, opening the
database as Odoo's scripts do, and the measuring helpers."""

import argparse
import contextlib
import gc
import os
import sys
import threading
import time


def parser(description):
    """The arguments every benchmark takes (``make bench`` passes them)."""
    result = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    result.add_argument("--odoo-src", required=True)
    result.add_argument("-c", "--config", required=True)
    result.add_argument("-d", "--database", required=True)
    return result


@contextlib.contextmanager
def superuser_env(args, context=None):
    """Load Odoo from ``--odoo-src``, open the database and give a superuser
    environment on a new cursor (committed when the block ends normally)."""
    sys.path.insert(0, args.odoo_src)
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}))


def timed(env, func, repeat=3):
    """Best wall time over ``repeat`` cold-cache runs, and the queries of one run."""
    best, queries = None, None
    for _run in range(repeat):
        env.invalidate_all()
        env.registry.clear_cache()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        queries = env.cr.sql_log_count - before
        best = elapsed if best is None else min(best, elapsed)
    return best, queries


class RssPeak:
    """Peak resident memory of this process while the block runs, above what
    it used when the block started (sampled every 5 ms from /proc)."""

    def __enter__(self):
        gc.collect()
        self.base = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _rss():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        self.mb = (self.peak - self.base) / 2**20


def serve_reports(env, port):
    """Serve this database over HTTP from this process, for wkhtmltopdf to
    load the statement's assets, and point report.url at it."""
    import odoo  # noqa: PLC0415
    from odoo.service import server  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config["http_interface"] = "127.0.0.1"
    config["http_port"] = port
    server.ThreadedServer(odoo.http.root).http_spawn()
    params = env["ir.config_parameter"]
    previous = params.get_param("report.url")
    params.set_param("report.url", f"http://127.0.0.1:{port}")
    env.cr.commit()
    return previous
