import os


def add(a: int, b: int) -> int:
    return a + b


def label(n: int) -> str:
    return n * 2  # fault: type_error (int returned as str)


def parse(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"not a number: {text}")
    return int(text)
