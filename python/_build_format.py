"""TOON and JSON rendering of build results (plan-marshall's ``_build_format``, both generations).

The rendering is libplanbuild's (``pb_format``), in the dialect of the generation this folder
speaks: the contract's ``key<TAB>value`` TOON, or today's ``key: value`` TOON with comma-separated
table rows. Results may hold Issue/UnitTestSummary objects, converted to dicts on the way in.
"""

import _planbuild


def __getattr__(name):
    # CORE_FIELDS (display order of every result's fields), EXTRA_FIELDS (scalars shown after them
    # when present), STRUCTURED_FIELDS (rendered as sections): the library's, asked when first read.
    fields = {'CORE_FIELDS': 'core', 'EXTRA_FIELDS': 'extra', 'STRUCTURED_FIELDS': 'structured'}
    if name in fields:
        values = _planbuild.defaults()['result_fields'][fields[name]]
        return set(values) if name == 'STRUCTURED_FIELDS' else list(values)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def _format(result, fmt, indent=2):
    return _planbuild.checked('pb_format', dict(_planbuild.context(), result=result, format=fmt, indent=indent))['text']


def format_toon(result):
    """The result's scalar fields, then its errors / warnings / tests sections, as TOON."""
    return _format(result, 'toon', None)


def format_json(result, indent=2):
    """The result as JSON text."""
    return _format(result, 'json', -1 if indent is None else indent)
