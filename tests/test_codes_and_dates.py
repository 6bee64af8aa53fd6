"""Pure functions: the GB 32100 check character, normalisation, date forms, formula safety."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditcli.io.dates import parse_date
from creditcli.io.writers import safe_cell
from creditcli.rosters import codes

BODY = st.text(alphabet=codes.ALPHABET, min_size=17, max_size=17)


def test_published_examples() -> None:
    # Codes printed on real licences (public registry entries).
    for code in ("91350100M000100Y43", "91110000600037341L", "91440300708461136T"):
        assert codes.check_char(code[:17]) == code[17]


@given(BODY)
def test_vectorised_check_agrees_with_scalar(body: str) -> None:
    good = body + codes.check_char(body)
    result = codes.check_codes(pd.Series([good], dtype="str"))
    assert result.reason.tolist() == [codes.OK]


@given(BODY, st.integers(0, 16), st.sampled_from(codes.ALPHABET))
def test_any_single_substitution_is_detected(body: str, pos: int, char: str) -> None:
    good = body + codes.check_char(body)
    changed = good[:pos] + char + good[pos + 1 :]
    result = codes.check_codes(pd.Series([changed], dtype="str"))
    expected = codes.OK if changed == good else codes.CHECKSUM
    assert result.reason.tolist() == [expected]


def test_reasons_and_normalisation() -> None:
    raw = pd.Series(
        [" ９１３５０１００ｍ０００１００ｙ４３ ", "", "123", "91350100M000100I43", "91350100M000100Y44"],
        dtype="str",
    )
    norm = codes.normalise_series(raw)
    assert norm.tolist()[0] == "91350100M000100Y43"
    result = codes.check_codes(norm)
    assert result.reason.tolist() == [codes.OK, codes.EMPTY, codes.LENGTH, codes.CHARSET, codes.CHECKSUM]
    assert result.expected.tolist()[4] == "3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-05", dt.date(2023, 1, 5)),
        ("2023/1/5", dt.date(2023, 1, 5)),
        ("2023.01.05", dt.date(2023, 1, 5)),
        ("2023年1月5日", dt.date(2023, 1, 5)),
        ("20230105", dt.date(2023, 1, 5)),
        ("44931", None),  # an Excel serial only from an Excel date cell (the reader makes it a date)
        ("44931.0", None),
        ("2023", None),
        ("2023-01-05 00:00:00", dt.date(2023, 1, 5)),
        ("2023-02-29", None),
        ("2023-13-01", None),
        ("明天", None),
        ("1/5/2023", None),
    ],
)
def test_date_forms(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("value", ["=1+1", "+86 531", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value: str) -> None:
    assert safe_cell(value) == "'" + value
