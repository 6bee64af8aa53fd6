"""README's exit-code table is the single truth: it and the error tree (errors.py) stay in step."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import creditcli
from creditcli import errors

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_codes() -> dict[int, str]:
    section = README.read_text(encoding="utf-8").split("## 退出码", 1)[1].split("\n## ", 1)[0]
    return {int(code): meaning for code, meaning in re.findall(r"^\| (\d+) \| (.+) \|$", section, re.MULTILINE)}


def tree_codes() -> set[int]:
    return {value for name, value in vars(errors).items() if name.startswith("EXIT_") and isinstance(value, int)}


def every_error_class() -> set[type[errors.CreditError]]:
    for module in pkgutil.walk_packages(creditcli.__path__, "creditcli."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[errors.CreditError]] = set()
    todo: list[type[errors.CreditError]] = [errors.CreditError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_the_readme_table_and_the_error_tree_name_the_same_codes() -> None:
    assert set(readme_codes()) == tree_codes()


def test_every_error_class_exits_with_a_documented_code() -> None:
    documented = set(readme_codes())
    wrong = {cls.__qualname__: cls.exit_code for cls in every_error_class() if cls.exit_code not in documented}
    assert wrong == {}


def test_every_code_of_the_tree_is_used() -> None:
    used = {cls.exit_code for cls in every_error_class()} | {errors.EXIT_OK, errors.EXIT_INTERRUPTED}
    assert tree_codes() <= used
