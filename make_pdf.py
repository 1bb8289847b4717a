#!/usr/bin/env python3
"""make_pdf: large-print Japanese handouts from Markdown — the command line.

Only the click CLI lives here; each command calls one function of the ``leaflet``
package and turns its errors into messages and exit codes:
0 everything built, 1 some handout failed (the others still built), 2 usage error,
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from leaflet.errors import SetupError

ROOT = Path(__file__).resolve().parent


def default_project() -> Path:
    """The project folder: this file's folder when run from a checkout (``python
    make_pdf.py``), else — installed, as ``make-pdf`` — the current directory."""
    return ROOT if (ROOT / "templates").is_dir() and (ROOT / "leaflet").is_dir() else Path.cwd()


project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=default_project,
    show_default=False, hidden=True, help="Project folder (for tests).")
out_option = click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="出力先フォルダ(既定: out/)")


class UsageProblem(click.UsageError):
    """Our own usage errors (unknown handout or kind, port in use), said in Japanese;
    exit code 2 like click's."""

    def show(self, file=None) -> None:
        click.echo(f"エラー: {self.format_message()}", err=True)
        click.echo("使い方: make_pdf.py --help", err=True)


def _find(project, handouts: tuple[str, ...]) -> list[Path]:
    """The handout files the arguments name (none: all); an unknown name is exit 2."""
    from leaflet.errors import UsageError

    try:
        files = project.find(handouts)
    except UsageError as error:
        raise UsageProblem(str(error)) from None
    if not files:
        click.echo("handouts/ にリーフレットがありません。", err=True)
    return files


def _project(project_dir: Path, out: Path | None = None):
    from leaflet.project import Project

    project = Project.at(project_dir, out)
    problem = project.out_problem() if out else None
    if problem:
        raise UsageProblem(f"{problem}。別のフォルダを --out に指定してください(既定は out/)")
    return project


class _Commands(click.Group):
    """Ctrl-C during a command: a Japanese line and exit 130 (the shell's convention),
    not click's "Aborted!" with 1, which scripts would read as "a handout failed".
    click's own usage errors get a Japanese first line; its detail (English) follows."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("中断しました(Ctrl-C)。作成済みの PDF はそのまま残ります。", err=True)
            ctx.exit(130)

    def main(self, *args, **kwargs):
        try:
            status = super().main(*args, **{**kwargs, "standalone_mode": False})
            if isinstance(status, int):  # ctx.exit(n) (--help, Ctrl-C) returns n here
                sys.exit(status)
            return status
        except UsageProblem as error:
            error.show()
            sys.exit(error.exit_code)
        except SetupError as error:  # the installation cannot build anything (e.g. another WeasyPrint)
            click.echo(f"エラー: {error}", err=True)
            sys.exit(1)
        except click.UsageError as error:
            click.echo(f"エラー: {_in_japanese(error)}", err=True)
            click.echo(f"  ({error.format_message()})", err=True)
            where = error.ctx.command_path if error.ctx else "make_pdf.py"
            click.echo(f"使い方: {where} --help", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.Abort:  # Ctrl-C while click itself was reading the command line
            click.echo("中断しました(Ctrl-C)。", err=True)
            sys.exit(130)


def _in_japanese(error: click.UsageError) -> str:
    if isinstance(error, click.NoSuchOption):
        return f"オプション「{error.option_name}」はありません"
    if isinstance(error, click.MissingParameter):
        return "必要な引数やオプションが足りません"
    if isinstance(error, click.BadParameter):
        return "オプションの値が正しくありません"
    if error.message.startswith("No such command"):
        return "そのコマンドはありません(build, check, watch, serve, list, new)"
    return "コマンドの書き方が正しくありません"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=None, version=__import__("leaflet").__version__)
def cli() -> None:
    """Markdown から大きな文字の配布用 PDF を作ります。"""


size_option = click.option(
    "--size", type=click.Choice(["normal", "xl"]), default=None,
    help="文字の大きさの版(xl = 特大版、out/xl/ に出力)")
press_option = click.option(
    "--press", is_flag=True,
    help="印刷所に渡す PDF(PDF/X-4・CMYK・塗り足し3mm・トンボ付き)を out/press/ に作る")
PRESS_FOLDER = "press"
jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, help="同時に作る数(既定: CPU の数)")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _echo(line: tuple[str, bool] | None) -> None:
    # The stream is looked up now: while a progress bar is live, sys.stdout/stderr are
    # rich's proxies, which print above the bar.
    if line:
        click.echo(line[0], file=sys.stderr if line[1] else sys.stdout)


@cli.command()
@click.argument("handouts", nargs=-1)
@out_option
@size_option
@click.option("--force", is_flag=True, help="変更がなくても作り直す")
@click.option("--clean", is_flag=True, help="元の .md がなくなった PDF を削除する")
@jobs_option
@click.option("--html", is_flag=True, help="PDF の横に、組版した HTML も書き出す(確認用)")
@press_option
@project_option
def build(handouts: tuple[str, ...], out: Path | None, size: str | None, force: bool, clean: bool,
          jobs: int | None, html: bool, press: bool, project_dir: Path) -> None:
    """リーフレットを PDF にします(名前を省くと全部)。変わったものだけを作り直します。"""
    from leaflet.build import build as build_only
    from leaflet.site.messages import closing_lines, result_lines, stale_line
    from leaflet.site.publish import build_with_catalog

    project = _project(project_dir, out)
    files = _find(project, handouts)

    def report(result) -> None:
        for line in result_lines(project, result):
            _echo(line)

    # The print-shop edition goes to out/press/ with a build record of its own; the
    # catalog lists the office PDFs only. ``press`` is passed only when asked: the
    # options are part of every PDF's build record.
    run_build, extra = (build_only, {"press": True}) if press else (build_with_catalog, {})
    results = run_build(project, files, project.out / PRESS_FOLDER if press else project.out, size,
                        report=report, explicit=bool(handouts),
                        force=force, clean=clean, jobs=jobs or _cores(), html=html,
                        on_stale=lambda stale: _echo(stale_line(project, stale)),
                        on_note=lambda text: _echo((text, True)), **extra)
    closing = closing_lines(results)
    for line in closing:
        _echo(line)
    if closing:
        sys.exit(1)


@cli.command()
@click.argument("handouts", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="結果を JSON で出力します")
@click.option("--size", type=click.Choice(["normal", "xl"]), default=None,
              help="文字の大きさの版(xl = 特大版)")
@press_option
@project_option
def check(handouts: tuple[str, ...], as_json: bool, size: str | None, press: bool, project_dir: Path) -> None:
    """リーフレットを検査します(文字の大きさ・コントラスト・はみ出しなど。PDF は書きません)。"""
    from leaflet.build.checking import check_handouts
    from leaflet.site import show

    project = _project(project_dir)
    files = _find(project, handouts)
    if not files:
        return
    results = check_handouts(project, files, size, explicit=bool(handouts), press=press)
    if as_json:
        click.echo(show.as_json(results))
    elif sys.stdout.isatty():
        from rich.console import Console

        console = Console()
        for result in results:
            console.print(show.rich_table(result))
    else:
        click.echo("\n\n".join(show.plain(result) for result in results))
    sys.exit(0 if all(r.passed for r in results) else 1)


@cli.command()
@out_option
@size_option
@jobs_option
@project_option
def watch(out: Path | None, size: str | None, jobs: int | None, project_dir: Path) -> None:
    """保存するたびに、変わったリーフレットだけを PDF にし直します(Ctrl-C で終了)。"""
    from leaflet.site.watch import watch as run_watch

    project = _project(project_dir, out)
    run_watch(project, project.out, edition=size, jobs=jobs or _cores())


@cli.command("list")
@project_option
def list_(project_dir: Path) -> None:
    """リーフレットの一覧(名前・種類・タイトル・改訂日)。"""
    from leaflet.site.inventory import describe

    project = _project(project_dir)
    rows = describe(project)
    if not rows:
        click.echo("handouts/ にリーフレットがありません。")
    failed = False
    for row in rows:
        if row.error:
            failed = True
            click.echo(f"{row.name}\t(読めません)\t{row.error}")
        else:
            click.echo(f"{row.name}\t{row.kind}\t{row.title}\t{row.revised}")
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("kind")
@click.argument("name")
@project_option
def new(kind: str, name: str, project_dir: Path) -> None:
    """種類 KIND のひな形から新しいリーフレット NAME を作ります。"""
    from leaflet.errors import UsageError
    from leaflet.source.starter import create

    project = _project(project_dir)
    try:
        path = create(project, kind, name)
    except UsageError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"作成: {project.rel(path)}")


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="ポート番号")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="待ち受けるアドレス(127.0.0.1 以外はネットワークに公開されます)")
@click.option("--no-build", is_flag=True, help="作成せず、out/ にある PDF をそのまま見せます")
@out_option
@jobs_option
@project_option
def serve(port: int, host: str, no_build: bool, out: Path | None, jobs: int | None, project_dir: Path) -> None:
    """一覧ページをブラウザで見られるようにし、原稿を直すと作り直して画面を更新します。"""
    from leaflet.errors import UsageError
    from leaflet.site.serve import serve as run_serve

    project = _project(project_dir, out)
    try:
        run_serve(project, project.out, host, port, rebuild=not no_build, jobs=jobs or _cores(),
                  say=lambda message: click.echo(message, err=message.startswith(("警告", "エラー"))))
    except UsageError as error:
        raise UsageProblem(str(error)) from None


def main() -> None:
    """The ``make-pdf`` command (and ``python make_pdf.py``)."""
    from leaflet.quick_exit import run_and_exit

    run_and_exit(cli)


if __name__ == "__main__":
    main()
