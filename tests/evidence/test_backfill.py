"""flask --app merch evidence-backfill: photos stored without a fingerprint get one, in
batches that each commit, so a stopped run resumes; afterwards their copies are caught."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from merch.extensions import db
from merch.models import Photo
from merch.models.evidence import PhotoFingerprint, PhotoHashBand
from merch.services.evidence import backfill_batch
from merch.storage import storage_for
from tests.api.test_evidence import _evidence, _other_shop_staff, _photos, _shot
from tests.api.test_submissions import post_submission
from tests.conftest import api_login
from tests.evidence_images import COPIES, jpeg
from tests.factories import submission_form


def _fingerprints() -> int:
    return db.session.scalar(select(func.count()).select_from(PhotoFingerprint))


def test_backfill_fingerprints_old_photos_in_resumable_batches_and_their_copies_are_caught(
    app, client, runner, staff_headers, clock
):
    clock.set_local(2026, 11, 23, 10, 30)
    first = post_submission(client, staff_headers, submission_form(photos=_photos(folded=jpeg(_shot(11), 92))))
    assert first.status_code == 201, first.get_json()
    photos = db.session.scalar(select(func.count()).select_from(Photo))
    # As if the photos had been stored before fingerprints existed.
    db.session.execute(delete(PhotoHashBand))
    db.session.execute(delete(PhotoFingerprint))
    db.session.commit()

    # A first run stopped after one batch of one photo: that batch stays done.
    batch = backfill_batch(storage_for(app), 0, 1)
    assert batch is not None and batch.fingerprinted + batch.featureless == 1

    resumed = runner.invoke(args=["evidence-backfill", "--batch", "2"])
    again = runner.invoke(args=["evidence-backfill"])

    assert resumed.exit_code == 0, resumed.output
    # The display shot has a fingerprint again; the flat test pictures have nothing to compare.
    shot_id = first.get_json()["photos"]["folded"][0]["id"]
    assert db.session.get(PhotoFingerprint, shot_id) is not None
    assert _fingerprints() == 1
    assert (
        f"{1 - batch.fingerprinted} photos fingerprinted, {photos - 1 - batch.featureless} with nothing to compare"
        in resumed.output
    )
    assert again.exit_code == 0 and "0 photos fingerprinted" in again.output
    clock.set_local(2026, 11, 24, 10, 30)
    other_headers = api_login(client, _other_shop_staff().username)
    copy = post_submission(
        client, other_headers, submission_form(photos=_photos(folded=COPIES["recompressed_q60"](_shot(11))))
    )
    assert copy.status_code == 201, copy.get_json()
    assert _evidence(copy.get_json(), "folded")["reused"]["business_date"] == "2026-11-23"
