"""Who may undo which upload (the Upload page lists only those)."""

import pandas as pd

from analytics.access import Viewer
from analytics.ingest.present import undoable_uploads

HISTORY = pd.DataFrame({
    "upload_id": [1, 2, 3, 4],
    "side": ["KZ", "KG", None, "KZ"],
    "status": ["loaded", "loaded", "loaded", "undone"],
})


def ids(viewer: Viewer) -> list[int]:
    return undoable_uploads(HISTORY, viewer)["upload_id"].tolist()


def test_one_side_analyst_undoes_own_side_and_two_sided_files():
    assert ids(Viewer("kz", "analyst", "KZ")) == [1, 3]
    assert ids(Viewer("kg", "analyst", "KG")) == [2, 3]


def test_admin_of_both_sides_undoes_every_loaded_upload():
    assert ids(Viewer("admin", "admin", "BOTH")) == [1, 2, 3]


def test_commander_undoes_nothing():
    assert ids(Viewer("boss", "commander", "BOTH")) == []
