"""Quantities per item and what to reorder."""

from dataclasses import dataclass, field


@dataclass
class Stock:
    quantities: dict[str, int] = field(default_factory=dict)

    def add(self, item: str, count: int) -> None:
        self.quantities[item] = self.quantities.get(item, 0) + count

    def take(self, item: str, count: int) -> None:
        have = self.quantities.get(item, 0)
        if count > have:
            raise ValueError(f"only {have} of {item} left")
        self.quantities[item] = have - count

    def total(self) -> int:
        return sum(self.quantities.values())

    def to_reorder(self, minimum: int) -> list[str]:
        return sorted(item for item, count in self.quantities.items() if count < minimum)
