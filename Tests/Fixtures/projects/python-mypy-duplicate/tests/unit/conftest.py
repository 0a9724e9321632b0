# FAULT: a second conftest module of the same name (tests/integration/conftest.py), no __init__.py
def unit_value() -> int:
    return 1
