import pytest

from inventory.stock import Stock


def test_add_and_take() -> None:
    stock = Stock()
    stock.add("bolt", 5)
    stock.take("bolt", 2)
    assert stock.quantities == {"bolt": 3}


def test_taking_too_much_is_refused() -> None:
    stock = Stock({"nut": 1})
    with pytest.raises(ValueError):
        stock.take("nut", 2)


def test_reorder_list_is_sorted() -> None:
    stock = Stock({"washer": 1, "bolt": 0, "nut": 9})
    assert stock.to_reorder(2) == ["bolt", "washer"]
