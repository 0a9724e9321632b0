def integration_value() -> int:
    return 2
