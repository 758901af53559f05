"""Numbers in paths that no database column can hold are a 404, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from webkit import TestClient


@pytest.mark.parametrize("number", ["2147483648", "-1", "0", "99999999999999999999"])
def test_out_of_range_ids_are_not_found(app, token_for, number):
    client = TestClient(app, headers={"authorization": f"Bearer {token_for('admin')}"})
    assert client.post(f"/api/merges/{number}/undo", json={}).status_code == 404
    assert client.post(f"/admin/tokens/{number}/revoke").status_code == 404
    assert client.post(f"/merges/{number}/undo").status_code == 404
