"""Scheduled runs over many records: batches, progress and resumption."""

BATCH_SIZE = 500


def in_cron(env):
    """True when the code runs inside an ``ir.cron`` job (Odoo hands the job a
    progress record); False in a test, a shell or a button."""
    return bool(env.context.get("ir_cron_progress_id"))


def commit_progress(env, processed, remaining=None):
    """End one batch of a scheduled run.

    In a cron job: commit the batch and record the progress
    (``ir.cron._commit_progress``), so an interrupted run keeps what it did and
    Odoo runs the job again for the rest; answers the seconds left to the job.
    Elsewhere (tests, shell, buttons) nothing is committed: the batch is flushed
    and the caller's transaction decides. Either way the batch's records leave
    the ORM cache (a commit clears it), so the cache does not grow with the
    number of records a run goes through.
    """
    if in_cron(env):
        return env["ir.cron"]._commit_progress(processed, remaining=remaining)
    env.invalidate_all()
    return float("inf")


def batches(records, size=BATCH_SIZE):
    """``records`` in slices of ``size``."""
    for start in range(0, len(records), size):
        yield records[start : start + size]
