"""The checker checks itself: a short fault-free run must come out clean, and then one lost row (an
acknowledged event deleted), one duplicated row (an acknowledged event stored again under another
event_id) and one foreign row (a message nobody sent) planted in PostgreSQL must each be caught."""
from harness import Run, stored_counts
from verdict import judge

PLANT = """
BEGIN;
DELETE FROM analytics.events WHERE message_id = '{lost}';
CREATE TEMP TABLE planted AS SELECT * FROM analytics.events WHERE message_id = '{twice}';
UPDATE planted SET event_id = gen_random_uuid();
INSERT INTO analytics.events SELECT * FROM planted;
UPDATE planted SET event_id = gen_random_uuid(), message_id = 'planted-foreign-row';
INSERT INTO analytics.events SELECT * FROM planted;
COMMIT;
"""


def selftest(ctx, faults):
    with Run(ctx, "selftest") as run:
        run.begin()
        run.pause(3.0)
        result = run.finish()
        clean = result.verdict
        acked = sorted(run.ledger.acked)
        lost, twice = acked[0], acked[-1]
        run.cluster.psql(PLANT.format(lost=lost, twice=twice))
        planted = judge(run.ledger, stored_counts(run.cluster))
        result.figures["clean run (lost/duplicated/unexpected)"] = [clean.lost, clean.duplicated, clean.unexpected]
        result.figures["after planting (lost/duplicated/unexpected)"] = [planted.lost, planted.duplicated,
                                                                         planted.unexpected]
        caught = (planted.examples["lost"] == [lost] and planted.examples["duplicated"] == [twice]
                  and planted.examples["unexpected"] == ["planted-foreign-row"])
        if not caught:
            result.failures.append(f"the planted rows were not each caught: {planted.examples}")
        result.faults, result.min_faults = 3, 3  # the planted rows are the faults
        return result
