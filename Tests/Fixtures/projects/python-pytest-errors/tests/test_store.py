import pytest


@pytest.fixture
def store():
    items = {"a": 1}
    yield items
    raise RuntimeError("store left open")  # FAULT: teardown error


def test_reads(store):
    assert store["a"] == 1


def test_uses_db(db):  # FAULT: fixture 'db' not found (error at setup)
    assert db


def test_counts():
    assert len([1, 2]) == 2
