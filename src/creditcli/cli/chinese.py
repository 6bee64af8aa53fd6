"""Chinese for what Typer and the Click it bundles print themselves: help screens and usage errors.

Typer 0.29 bundles its own Click, whose messages are English f-strings (no gettext catalogue to
install), and keeps the titles of its rich help panels in module constants. So the words are put
in Chinese at the three places they come from, all in this module:

* our command and group classes (:class:`ChineseCommand`, :class:`ChineseGroup`, given to every
  Typer by ``cli/guard.py``) write the usage line (``用法：``), the help option's text, and refuse
  an unknown command in Chinese;
* :func:`install_help` sets the panel titles in ``typer.rich_utils`` before a help screen is drawn
  (that module imports rich, so only a help screen loads it) and labels the value an option takes
  in Chinese (``<整数>``), flags and counters with nothing at all;
* :func:`show_error` writes any usage error (exit 2) as every other error of creditcli is written:
  ``错误：…`` on stderr, plain text, then where to look for help. ``Nouns.main`` (cli/groups.py)
  routes Click's exceptions here.

Nothing here imports rich, pydantic or the database: start-up stays as fast as before.
"""

from __future__ import annotations

import difflib
import re
import sys
from typing import Any

import typer
from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption, _TyperParameter

USAGE_PREFIX = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
HELP_OPTION_TEXT = "显示此帮助并退出"
COMPLETION_HELP = {
    "install_completion": "为当前 shell 安装命令补全",
    "show_completion": "显示当前 shell 的命令补全脚本（可复制或自行安装）",
}
"""The options Typer gives the root for shell completion."""

PANEL_TEXTS = {
    "OPTIONS_PANEL_TITLE": "选项",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已停用）",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "查看帮助：{command_path} {help_option}",
}
"""``typer.rich_utils`` constants and their Chinese."""

TYPE_NAMES = {
    "int": "整数",
    "float": "数字",
    "str": "文本",
    "Path": "路径",
    "path": "路径",
    "file": "文件",
    "directory": "目录",
    "bool": "是/否",
    "datetime": "日期时间",
}
"""The value an option takes, as its help screen names it (``<int>`` → ``<整数>``)."""


class ChineseCommand(TyperCommand):
    """A command whose usage line and help option speak Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["options_metavar"] = OPTIONS_METAVAR
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(usage_pieces(self, ctx)), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        return chinese_help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        install_help()
        super().format_help(ctx, formatter)


class ChineseGroup(TyperGroup):
    """A group whose usage line, help option and unknown-command error speak Chinese."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["subcommand_metavar"] = SUBCOMMAND_METAVAR
        kwargs["options_metavar"] = OPTIONS_METAVAR
        super().__init__(**kwargs)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [*usage_pieces(self, ctx), self.subcommand_metavar]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        return chinese_help_option(super().get_help_option(ctx))

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:
            param.help = COMPLETION_HELP.get(param.name, param.help)
        return params

    def format_help(self, ctx: Any, formatter: Any) -> None:
        install_help()
        super().format_help(ctx, formatter)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            raise _click.exceptions.UsageError(unknown_command(name, list(self.list_commands(ctx))), ctx)
        return super().resolve_command(ctx, args)


def unknown_command(name: str, commands: list[str]) -> str:
    close = difflib.get_close_matches(name, commands)
    text = f"没有命令 {name}"
    if close:
        return f"{text}；是不是要用 {'、'.join(close)}？"
    return f"{text}；可用的命令：{'、'.join(commands)}"


def usage_pieces(command: Any, ctx: Any) -> list[str]:
    """``[选项]`` and the arguments in capitals (``CODE``), as a usage line shows them."""
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            name = param.metavar or (param.name or "").upper()
            more = "..." if param.nargs != 1 else ""
            pieces.append(f"{name}{more}" if param.required else f"[{name}{more}]")
    return pieces


def chinese_help_option(option: Any) -> Any:
    if option is not None:
        option.help = HELP_OPTION_TEXT
    return option


_installed = False


def install_help() -> None:
    """Chinese panel titles and value labels for a help screen (idempotent; imports rich)."""
    global _installed
    if _installed:
        return
    from typer import rich_utils

    for name, text in PANEL_TEXTS.items():
        setattr(rich_utils, name, text)
    plain_text = rich_utils._make_rich_text

    def folded(**kwargs: Any) -> Any:
        # Chinese has no spaces to wrap at: rich takes a sentence for one long word and cuts it
        # with "…" where the column ends. Folded, it goes on on the next line.
        made = plain_text(**kwargs)
        if hasattr(made, "overflow"):
            made.overflow = "fold"
        return made

    rich_utils._make_rich_text = folded
    parameter_help = rich_utils._get_parameter_help

    def folded_parameter(**kwargs: Any) -> Any:
        made = parameter_help(**kwargs)  # a rich Columns: the help, [环境变量：…], [默认：…], [必填]
        for part in made.renderables:
            if hasattr(part, "overflow"):
                part.overflow = "fold"
        return made

    rich_utils._get_parameter_help = folded_parameter
    rich_utils.OptionHighlighter.highlights = [
        *rich_utils.OptionHighlighter.highlights,
        rf"(?P<usage>{USAGE_PREFIX})",
    ]
    _installed = True


_plain_display_type = _TyperParameter.display_type


def _display_type(self: Any, ctx: Any) -> str | None:
    """The value an option takes, in Chinese; nothing for a flag (``--dry-run``) or a counter (``-v``)."""
    if isinstance(self, TyperOption) and (self.is_flag or self.count):
        return None
    label = re.sub(r"list\[(.*)\]", r"\1...", _plain_display_type(self, ctx))  # a repeatable option
    return re.sub(r"\b(\w+)\b", lambda m: TYPE_NAMES.get(m.group(1), m.group(1)), label)


_TyperParameter.display_type = _display_type  # type: ignore[method-assign,assignment]  # Typer has no hook for this label; None: no label


# Usage errors ---------------------------------------------------------------------------------------


def param_name(param: Any) -> str:
    """An option by its flags (``--format/-f``), an argument by its name in capitals (``CODE``)."""
    if isinstance(param, TyperArgument):
        return param.metavar or (param.name or "").upper()
    opts = [*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())]
    return "/".join(opts) if opts else str(getattr(param, "name", ""))


REASONS: list[tuple[str, str]] = [
    (r"^Value error, ", ""),
    (r"^'(.*)' is not one of (.*)\.$", "{0} 不是可选的值（可选：{1}）"),
    (r"^Input should be a valid integer.*$", "应为整数"),
    (r"^Input should be a valid number.*$", "应为数字"),
    (r"^Input should be a valid boolean.*$", "应为 是/否（true/false）"),
    (r"^Input should be greater than or equal to (\S+)$", "应不小于 {0}"),
    (r"^Input should be less than or equal to (\S+)$", "应不大于 {0}"),
    (r"^Input should be greater than (\S+)$", "应大于 {0}"),
    (r"^Input should be less than (\S+)$", "应小于 {0}"),
    (r"^Value '?(.*?)'? is not a valid (\w+)\.$", "{0} 不是有效的 {1}"),
    (r"^(?:File|Directory|Path) '?(.*?)'? does not exist\.$", "{0} 不存在"),
    (r"^(?:File|Directory|Path) '?(.*?)'? is a file\.$", "{0} 是文件，应为目录"),
    (r"^(?:File|Directory|Path) '?(.*?)'? is a directory\.$", "{0} 是目录，应为文件"),
    (r"^(?:File|Directory|Path) '?(.*?)'? is not readable\.$", "{0} 不可读"),
    (r"^(?:File|Directory|Path) '?(.*?)'? is not writable\.$", "{0} 不可写"),
    (r"^Option '(.*)' requires an argument\.$", "选项 {0} 需要一个值"),
    (r"^Option '(.*)' requires (\d+) arguments\.$", "选项 {0} 需要 {1} 个值"),
    (r"^Option '(.*)' does not take a value\.$", "选项 {0} 不接受值"),
    (r"^Argument '(.*)' takes (\d+) values\.$", "参数 {0} 需要 {1} 个值"),
    (r"^Got unexpected extra argument\(s\) \((.*)\)$", "多余的参数：{0}"),
    (r"^Missing command\.$", "缺少命令"),
]
"""English texts of Click, Typer and pydantic a usage error can carry (patterns, compiled on the first error:
never at start-up), and their Chinese."""


def chinese_reason(text: str) -> str:
    for pattern, chinese in REASONS:
        match = re.match(pattern, text, re.S)
        if match is None:
            continue
        if not chinese:  # a prefix to drop
            text = text[match.end() :]
            continue
        values = [re.sub(r"'([^']*)'", r"\1", g).replace(", ", "、") for g in match.groups()]
        return chinese.format(*values)
    return text


def _flags(ctx: Any) -> list[str]:
    return [o for p in ctx.command.get_params(ctx) for o in (*p.opts, *p.secondary_opts) if o.startswith("-")]


def _close_options(name: str, ctx: Any) -> list[str]:
    if ctx is None or not name.startswith("--"):
        return []
    return difflib.get_close_matches(name, [f for f in _flags(ctx) if f.startswith("--")])


def error_message(exc: Any) -> str:
    """A usage error of Click or Typer in Chinese."""
    exceptions = _click.exceptions
    if isinstance(exc, exceptions.NoSuchOption):
        text = f"没有选项 {exc.option_name}"
        root = exc.ctx.find_root() if exc.ctx is not None else None
        if root is not None and root is not exc.ctx and exc.option_name in _flags(root):
            return f"{exc.option_name} 是全局选项，须紧跟在 {root.command_path} 之后、写在命令之前"
        close = sorted(exc.possibilities or _close_options(exc.option_name, exc.ctx))
        if close:
            return f"{text}；是不是要用 {'、'.join(close)}？"
        return text
    if isinstance(exc, exceptions.MissingParameter):
        param: Any = exc.param
        if param is None:
            return f"缺少参数 {exc.param_hint or ''}".rstrip()
        kind = "选项" if isinstance(param, TyperOption) else "参数"
        about = f"（{param.help}）" if getattr(param, "help", None) else ""
        return f"缺少{kind} {param_name(param)}{about}"
    if isinstance(exc, exceptions.BadParameter):
        reason = chinese_reason(str(exc.message))
        if exc.param is not None:
            return f"{param_name(exc.param)} 的值无效：{reason}"
        if exc.param_hint:
            hint = exc.param_hint if isinstance(exc.param_hint, str) else "/".join(exc.param_hint)
            return f"{hint} 的值无效：{reason}"
        return f"值无效：{reason}"
    return chinese_reason(str(exc.message) if hasattr(exc, "message") else str(exc))


def show_error(exc: Any) -> None:
    """A usage error as creditcli writes every error: ``错误：…`` on stderr, then the usage line and
    where the help is. Plain text, never a rich panel (cron logs and grep see whole lines)."""
    from creditcli.cli.context import eprint

    if type(exc).__name__ == "NoArgsIsHelpError":  # the help screen has been shown already
        return
    eprint(f"错误：{error_message(exc)}")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        command = ctx.command
        if isinstance(command, ChineseCommand | ChineseGroup):
            pieces = usage_pieces(command, ctx)
            if isinstance(command, TyperGroup):
                pieces.append(command.subcommand_metavar)
            eprint(f"{USAGE_PREFIX}{ctx.command_path} {' '.join(pieces)}")
        eprint(f"查看帮助：{ctx.command_path} --help")


def show_abort() -> None:
    from creditcli.cli.context import eprint

    eprint("已中止")


def run(main: Any, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
    """Run a root command's Click ``main``; usage errors in Chinese (exit 2), as :func:`show_error`."""
    if not standalone_mode:
        return main(*args, standalone_mode=False, **kwargs)
    try:
        code = main(*args, standalone_mode=False, **kwargs)
    except _click.exceptions.ClickException as exc:
        show_error(exc)
        sys.exit(exc.exit_code)
    except typer.Abort:
        show_abort()
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
