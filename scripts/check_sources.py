#!/usr/bin/env python3
"""Check the `source` quotes of the shipped workspace against the report text.

For every TOML file under data/ (and rules/, where value tables may carry a
`source` too), every table that has a `source` key is checked:

  (a) the quote occurs verbatim inside ONE line of the source text
      (../shared/source/sichuan-2015-pilot-city-summaries.txt relative to the
      repository root, or the file named by the KAOHE_SOURCE environment variable);
  (b) the table's number (`value`, `at_least`, `at_most` or `approx`, a TOML number
      or numeric string) appears in the quote. Numbers in the quote are ASCII or
      full-width digits with an optional decimal point (thousands commas allowed),
      or Chinese numerals (两, 三十五, 一百二十, 五万 ...). A number followed by 万
      or 亿 also counts multiplied out (1.2万 matches 1.2 and 12000). A negative
      value matches its absolute value ("下降5%" for -5). A bare 万 or 亿 counts as
      10000 or 10^8 (近万张), a bare 百 or 千 as 100 or 1000 (上百条). A `missing` value, or a boolean, needs only (a).

With --strict, every value in a data file's [period.*] tables must also carry a
`source` (bare numbers and tables without one are reported).

Prints every failure as `path:line: message` and exits 1 if there is any;
otherwise prints a one-line summary and exits 0. Python 3.11+ standard library only.
"""
from __future__ import annotations

import decimal
import os
import re
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / ".." / "shared" / "source" / "sichuan-2015-pilot-city-summaries.txt"
NUMBER_KEYS = ("value", "at_least", "at_most", "approx")
VALUE_KEYS = NUMBER_KEYS + ("missing",)

# --- numbers in a quote -----------------------------------------------------

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_ASCII_NUM = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10 ** 4, "亿": 10 ** 8}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)
_CN_RUN = re.compile("[" + _CN_CHARS + "]+")
_MULTIPLIER = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}


def _parse_cn_section(s: str) -> int | None:
    """A Chinese numeral below 10000 (no 万/亿), strictly; None if not one."""
    if not s:
        return None
    total = 0
    digit = None
    last_unit = 10 ** 9
    seen_zero = False
    for i, ch in enumerate(s):
        if ch in ("零", "〇"):
            if digit is not None or i == 0:
                return None
            seen_zero = True
            continue
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
            continue
        unit = _CN_UNITS[ch]
        if unit >= last_unit:
            return None
        if digit is None:
            if unit == 10 and i == 0:
                digit = 1          # 十二 = 12
            else:
                return None
        total += digit * unit
        digit = None
        last_unit = unit
    if digit is not None:
        if seen_zero or last_unit == 10 ** 9:
            total += digit
        elif last_unit == 10:
            total += digit
        else:
            # 一百二 (colloquial 120) is not accepted: too ambiguous
            return None
    if total == 0 and "零" not in s and "〇" not in s:
        return None
    return total


def parse_chinese_numeral(s: str) -> int | None:
    """Value of a Chinese numeral such as 两, 三十五, 一百二十, 五万, 三亿五千万; None if not one."""
    if not s or any(ch not in _CN_CHARS for ch in s):
        return None
    total = 0
    rest = s
    for big in ("亿", "万"):
        if big in rest:
            head, _, rest = rest.partition(big)
            if big in rest:
                return None
            if head == "" and total == 0:
                return None
            if head == "":
                return None
            v = parse_chinese_numeral(head) if big == "亿" else _parse_cn_section(head)
            if v is None:
                return None
            total += v * _CN_BIG[big]
    if rest:
        v = _parse_cn_section(rest)
        if v is None:
            return None
        total += v
    elif total == 0:
        return None
    return total


def numbers_in(quote: str) -> set[Decimal]:
    """Every number the quote can be read as containing."""
    text = quote.translate(_FULLWIDTH)
    found: set[Decimal] = set()
    for m in _ASCII_NUM.finditer(text):
        try:
            n = Decimal(m.group().replace(",", ""))
        except decimal.InvalidOperation:
            continue
        found.add(n)
        nxt = text[m.end():m.end() + 1]
        if nxt in _MULTIPLIER:
            found.add(n * _MULTIPLIER[nxt])
    for m in _CN_RUN.finditer(text):
        run = m.group()
        if run[0] in _CN_BIG:
            # a bare 万 or 亿 (近万张 = nearly 10000 sheets)
            found.add(Decimal(_CN_BIG[run[0]]))
        elif run[0] in ("百", "千"):
            # a bare 百 or 千 (上百条 = a hundred or more)
            found.add(Decimal(_CN_UNITS[run[0]]))
        i = 0
        while i < len(run):
            for j in range(len(run), i, -1):
                v = parse_chinese_numeral(run[i:j])
                if v is not None:
                    found.add(Decimal(v))
                    # 五万元 may be written as value 5 with unit 万元
                    if run[j - 1] in _CN_BIG and j - 1 > i:
                        w = parse_chinese_numeral(run[i:j - 1])
                        if w is not None:
                            found.add(Decimal(w))
                    i = j
                    break
            else:
                i += 1
    return found


def to_decimal(v) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    if isinstance(v, str) and re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", v):
        return Decimal(v)
    return None


def number_in_quote(value, quote: str) -> bool:
    d = to_decimal(value)
    if d is None:
        return False
    nums = numbers_in(quote)
    return d in nums or abs(d) in nums


# --- walking the workspace ----------------------------------------------------

class Checker:
    def __init__(self, source_path: Path, strict: bool = False):
        self.lines = source_path.read_text(encoding="utf-8-sig").splitlines()
        self.strict = strict
        self.failures: list[str] = []
        self.files = 0
        self.quotes = 0

    def quote_ok(self, quote: str) -> bool:
        if "\n" in quote or "\r" in quote or quote == "":
            return False
        return any(quote in line for line in self.lines)

    def check_file(self, path: Path, rel: str, is_data: bool) -> None:
        self.files += 1
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
            doc = tomllib.loads(text, parse_float=Decimal)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            self.failures.append(f"{rel}:1: cannot read TOML: {e}")
            return
        self.text_lines = text.splitlines()
        self._walk(doc, [], rel, is_data)

    def _line_of(self, keypath: list[str], quote: str | None) -> int:
        if quote:
            for i, line in enumerate(self.text_lines, 1):
                if quote in line:
                    return i
        if keypath:
            key = keypath[-1]
            pat = re.compile(r'^\s*("?)' + re.escape(key) + r'\1\s*=')
            for i, line in enumerate(self.text_lines, 1):
                if pat.search(line):
                    return i
        return 1

    def _walk(self, node, keypath: list[str], rel: str, is_data: bool) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                self._walk(item, keypath + [str(i)], rel, is_data)
            return
        if not isinstance(node, dict):
            if (self.strict and is_data and len(keypath) == 3 and keypath[0] == "period"
                    and keypath[2] != "as_of" and to_decimal(node) is not None):
                self.failures.append(
                    f"{rel}:{self._line_of(keypath, None)}: {'.'.join(keypath)}: value has no source")
            return
        if "source" in node:
            self._check_table(node, keypath, rel)
        elif (self.strict and is_data and len(keypath) == 3 and keypath[0] == "period"
              and any(k in node for k in VALUE_KEYS)):
            self.failures.append(
                f"{rel}:{self._line_of(keypath, None)}: {'.'.join(keypath)}: value has no source")
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                self._walk(v, keypath + [k], rel, is_data)
            elif self.strict and is_data:
                self._walk(v, keypath + [k], rel, is_data)

    def _check_table(self, node: dict, keypath: list[str], rel: str) -> None:
        self.quotes += 1
        where = ".".join(keypath)
        quote = node["source"]
        if not isinstance(quote, str):
            self.failures.append(f"{rel}:{self._line_of(keypath, None)}: {where}: source is not a string")
            return
        line = self._line_of(keypath, quote)
        if not self.quote_ok(quote):
            self.failures.append(f"{rel}:{line}: {where}: quote not found in one line of the source: {quote!r}")
        for key in NUMBER_KEYS:
            if key in node:
                value = node[key]
                if isinstance(value, bool):
                    continue
                if to_decimal(value) is None:
                    self.failures.append(f"{rel}:{line}: {where}: {key} is not a number: {value!r}")
                elif not number_in_quote(value, quote):
                    self.failures.append(
                        f"{rel}:{line}: {where}: {key} = {value} does not appear in the quote {quote!r}")


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if a != "--strict"]
    if any(a in ("-h", "--help") for a in args):
        print(__doc__)
        return 0
    root = Path(args[0]).resolve() if args else ROOT
    source = Path(os.environ.get("KAOHE_SOURCE") or DEFAULT_SOURCE)
    if not source.is_file():
        print(f"{source}: source text not found (set KAOHE_SOURCE)", file=sys.stderr)
        return 2
    checker = Checker(source, strict=strict)
    for sub, is_data in (("data", True), ("rules", False)):
        base = root / sub
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.toml")):
            rel = os.path.relpath(path, Path.cwd())
            checker.check_file(path, rel, is_data)
    for f in checker.failures:
        print(f)
    if checker.failures:
        print(f"{len(checker.failures)} problem(s) in {checker.files} file(s), "
              f"{checker.quotes} quote(s) checked", file=sys.stderr)
        return 1
    print(f"ok: {checker.files} file(s), {checker.quotes} quote(s) checked against {source.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
