from inventory.report import summary
from inventory.stock import Stock


def test_summary_lists_items_and_total() -> None:
    stock = Stock({"nut": 2, "bolt": 3})
    assert summary(stock) == "bolt: 3\nnut: 2\ntotal: 5"


def test_summary_of_an_empty_stock() -> None:
    assert summary(Stock()) == "total: 1"  # FAULT: failing test on purpose, the total of nothing is 0
