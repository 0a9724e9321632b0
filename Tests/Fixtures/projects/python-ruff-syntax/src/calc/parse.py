"""Parsing helpers."""


def parse_pair(text: str) -> tuple[str, str]:
    left, right = text.split("=", 1)
    return left, right


def broken(:  # FAULT: invalid syntax
    return 1
