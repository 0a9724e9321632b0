"""A small stock keeper: items, quantities and reorder decisions."""
