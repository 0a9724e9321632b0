"""A small reader of plan-marshall's TOON dialect, written for the reference-suite harness.

The reference tests import ``toon_parser.parse_toon`` from plan-marshall's own tree; this is an
independent reading of the format their documentation describes, enough to read what the scripts
print: ``key: value`` lines, objects nested by two-space indentation, tables
``name[N]{a,b}:`` whose rows are comma- or tab-separated, lists ``name[N]:`` of ``- item`` rows
and inline lists ``name[N]: a,b``,
and the scalars null/true/false, integers, decimals, percentages and quoted strings. Lines without
a colon (our SPEC dialect's ``key<TAB>value``) are skipped, as the original reader skips them.
"""

import json
import re

__all__ = ['parse_toon', 'ToonParseError']

_TABLE = re.compile(r'^([\w-]+)\[(\d+)\]\{([^}]+)\}:\s*$')
_LIST = re.compile(r'^([\w-]+)\[(\d+)\]:\s*$')
_INLINE = re.compile(r'^([\w-]+)\[(\d+)\]:\s+(.+)$')
_ROW_LOOKS_LIKE_KEY = re.compile(r'^[A-Za-z_][\w-]*\s*:(?=\s|$)')


class ToonParseError(Exception):
    """Text that cannot be read as TOON."""


def _indent(line):
    return len(line) - len(line.lstrip())


def _scalar(text):
    text = text.strip()
    if text == '':
        return ''
    if text == 'null':
        return None
    if text in ('true', 'false'):
        return text == 'true'
    if re.fullmatch(r'-?\d+', text):
        return int(text)
    if re.fullmatch(r'-?\d+\.\d+', text):
        return float(text)
    if re.fullmatch(r'\d+%', text):
        return int(text[:-1])
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        inner = text[1:-1].replace('\\"', '"')
        if inner[:1] in '[{' and inner[-1:] in ']}':
            try:
                return json.loads(inner)
            except ValueError:
                pass
        return inner
    return text


def _cells(row):
    if '\t' in row:
        return [cell.strip() for cell in row.split('\t')]
    cells, current, quoted = [], '', False
    index = 0
    while index < len(row):
        char = row[index]
        if quoted and char == '\\' and row[index + 1:index + 2] == '"':
            current += '\\"'
            index += 2
            continue
        if char == '"':
            quoted = not quoted
            current += char
        elif char == ',' and not quoted:
            cells.append(current.strip())
            current = ''
        else:
            current += char
        index += 1
    cells.append(current.strip())
    return cells


class _Reader:
    def __init__(self, lines):
        self.lines = lines
        self.index = 0

    def _skippable(self, line):
        stripped = line.strip()
        return not stripped or stripped.startswith('#')

    def table(self, count, fields, minimum):
        rows = []
        while self.index < len(self.lines) and len(rows) < count:
            line = self.lines[self.index]
            if self._skippable(line):
                self.index += 1
                continue
            content = line.strip()
            if _indent(line) < minimum:
                break
            if (_ROW_LOOKS_LIKE_KEY.match(content) and not re.match(r'^[A-Za-z_][\w-]*,', content)
                    and '\t' not in content):
                break
            cells = _cells(content)
            rows.append({name: _scalar(cells[i]) if i < len(cells) else None for i, name in enumerate(fields)})
            self.index += 1
        return rows

    def simple_list(self, minimum):
        items = []
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if self._skippable(line):
                self.index += 1
                continue
            if _indent(line) < minimum:
                break
            content = line.strip()
            if content.startswith('- '):
                items.append(_scalar(content[2:]))
            elif not content.startswith('-'):
                break
            self.index += 1
        return items

    def block(self, header_indent):
        body = []
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if line.strip() and _indent(line) <= header_indent:
                break
            body.append(line[min(header_indent + 2, _indent(line)):] if line.strip() else '')
            self.index += 1
        return '\n'.join(body)

    def obj(self, level):
        result = {}
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if self._skippable(line):
                self.index += 1
                continue
            indent = _indent(line)
            if indent < level:
                break
            if indent > level:
                self.index += 1
                continue
            content = line.strip()
            if ':' not in content:
                self.index += 1
                continue
            minimum = 0 if indent == 0 else indent
            match = _TABLE.match(content)
            if match:
                self.index += 1
                fields = [field.strip() for field in match.group(3).split(',')]
                result[match.group(1)] = self.table(int(match.group(2)), fields, minimum)
                continue
            match = _INLINE.match(content)
            if match:
                self.index += 1
                result[match.group(1)] = [_scalar(cell) for cell in _cells(match.group(3))]
                continue
            match = _LIST.match(content)
            if match:
                self.index += 1
                result[match.group(1)] = self.simple_list(minimum)
                continue
            key, _, value = content.partition(':')
            key, value = key.strip(), value.strip()
            self.index += 1
            if value == '|':
                result[key] = self.block(indent)
            elif not value:
                nested = False
                probe = self.index
                while probe < len(self.lines):
                    if self._skippable(self.lines[probe]):
                        probe += 1
                        continue
                    nested = _indent(self.lines[probe]) > indent
                    break
                result[key] = self.obj(indent + 2) if nested else ''
            else:
                result[key] = _scalar(value)
        return result


def parse_toon(content):
    """The TOON text as a dict."""
    lines = content.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    try:
        return _Reader(lines).obj(0)
    except (IndexError, ValueError) as error:
        raise ToonParseError(str(error)) from error
