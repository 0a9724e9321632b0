"""Text reports of a stock."""

import os  # FAULT: lint finding on purpose (F401, unused import)

from inventory.stock import Stock


def summary(stock: Stock) -> str:
    lines = [f"{item}: {count}" for item, count in sorted(stock.quantities.items())]
    return "\n".join(lines + [f"total: {stock.total()}"])


def low_items(stock: Stock, minimum: int) -> int:
    return stock.to_reorder(minimum)  # FAULT: type error on purpose, a list is returned as int
