# FAULT: a second test module named test_api (tests/integration/test_api.py), no __init__.py
def test_parses():
    assert int("1") == 1
