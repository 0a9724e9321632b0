import yaml_not_installed  # fault: import_error (module not found)


def name() -> str:
    return str(yaml_not_installed)
