from typing import Optional

from calc.ops import add


def total(values: list[int]) -> int:
    result = 0
    for v in values:
        result = add(result, v)
    return result


def first(values: list[int]) -> Optional[int]:
    return values[0] if values else None


def doubled(values: list[int]) -> int:
    return first(values) * 2  # fault: type_error (Optional[int] * int)
