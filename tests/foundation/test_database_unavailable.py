"""A database that is down gives a French 503 page, never a 500 with a
trace (issue 16, faults)."""

import pytest
from django.db import InterfaceError, OperationalError, connection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_down_gives_a_french_503_page(client, login, case_worker, monkeypatch, error):
    login(client, case_worker)
    client.raise_request_exception = False

    def down(*args, **kwargs):
        raise error("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", down)
    response = client.get("/")
    monkeypatch.undo()
    assert response.status_code == 503
    body = response.content.decode()
    assert "Service momentanément indisponible" in body
    assert "Traceback" not in body and "Connection refused" not in body and "127.0.0.1" not in body
    assert response["Retry-After"] == "30"
    # The next request, the database back, is served normally.
    assert client.get("/").status_code == 200


def test_other_errors_stay_500(client, login, case_worker, monkeypatch):
    login(client, case_worker)
    client.raise_request_exception = False

    def boom(*args, **kwargs):
        raise ValueError("not the database")

    monkeypatch.setattr(connection, "ensure_connection", boom)
    response = client.get("/")
    monkeypatch.undo()
    assert response.status_code == 500
