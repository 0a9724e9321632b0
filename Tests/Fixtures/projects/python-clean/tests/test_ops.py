from calc.ops import add, label, parse


def test_add():
    assert add(1, 2) == 3


def test_label():
    assert label(2) == "4"


def test_parse():
    assert parse("12") == 12
