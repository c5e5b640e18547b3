"""The ``bakhong report`` command: the officials' report as files, or served as a dashboard.

``bakhong report WORKSHOP [WORKSHOP ...] [--out FILE.xlsx|FILE.csv|FILE.html|FILE.png]
[--population FILE] [--public]``
    Reads every workshop's gradebook and sandbox (:func:`bakhong.grading.report_views.
    build_report`) and writes the views in the format of ``--out``'s extension
    (:mod:`bakhong.grading.report_output`): ``.csv`` writes ``FILE.csv`` (the per-commune
    view, today's columns first) and ``FILE-<view>.csv`` beside it; ``.png`` writes one
    ``FILE-<view>.png`` per view. Without ``--out``, every format goes into
    ``WORKSHOP/reports/`` (the first workshop's), named ``bao-cao-<date>``. Every file
    written is printed. ``--public`` writes the version to share beyond the workshop (small
    counts hidden). Without ``--population``, the first workshop's own ``population.csv`` is
    read when there is one (``bakhong demo`` puts its fictional one there). Exits 0; 2 for an
    unreadable population file or an unknown extension.

``bakhong report WORKSHOP [WORKSHOP ...] --serve [--host 127.0.0.1] [--port 8868]
[--population FILE] [--public]``
    Serves the same views as a Voila dashboard (``bakhong.widgets.report_dashboard``) from a
    small generated notebook in a temporary folder, with the lessons' Voila settings
    (:func:`bakhong.serving.voila_config`: no tracebacks, no sources, no CDN links), until
    stopped. Each page opened computes the report afresh.

Nothing heavy is imported to build the parser: every ``bakhong`` command builds it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bakhong.simulators.clock import Clock

__all__ = ["DEFAULT_PORT", "add_parser", "dashboard_notebook", "serve_dashboard", "serve_page"]

Subcommands = argparse._SubParsersAction  # the type of ArgumentParser.add_subparsers()
DEFAULT_PORT = 8868
DASHBOARD_FILE = "bao-cao.ipynb"
CONFIG_FILE = "bao-cao.json"


def _population(path: str | Path | None) -> dict[tuple[str, str], int] | None:
    from bakhong.grading import report

    return report.read_population(Path(path)) if path else None


def _report(args: argparse.Namespace, clock: Clock | None = None) -> int:
    """``bakhong report``: write the files (or ``--serve``); ``clock`` for tests."""
    from bakhong.grading import overrides, report, report_output, results

    roots = [Path(w) for w in args.workshops]
    chosen = args.population or report.workshop_population(roots)
    try:
        population = _population(chosen)
    except report.PopulationFileError as err:
        print(f"Lỗi / Error: {chosen}: {err}", file=sys.stderr)
        return 2
    if args.serve:
        serve_dashboard(roots, population_file=str(chosen) if chosen else None,
                        public=args.public, host=args.host, port=args.port)
        return 0
    for root in roots:  # scores not counted because bakhong did not record them as they stand
        for mismatch in results.workshop_mismatches(root):
            print(mismatch.text(str(root)), file=sys.stderr)
        for grade in overrides.recorded(root):  # and the trainers' overrides, with reasons
            print(overrides.text(grade), file=sys.stderr)
    built = report.build_report(roots, population=population, clock=clock,
                                      public=args.public)
    if args.out:
        written = report_output.write(built, Path(args.out))
    else:
        written = report_output.default_outputs(built, roots[0] / "reports")
    communes = len(built.view("xa").rows)
    kind = "bản công khai / public" if built.public else "bản đầy đủ / full"
    print(f"{communes} xã/phường, {len(built.views)} bảng ({kind}) → "
          f"{args.out or roots[0] / 'reports'}")
    print("Đã ghi các tệp / files written:")
    print(report_output.paths_text(written))
    return 0


REPORT_MODULE = "bakhong.widgets.report_dashboard"
REPORT_TITLE = "Báo cáo phổ cập kỹ năng số cơ bản"
REPORT_TITLE_EN = "Basic digital-skills report"


def dashboard_notebook(config: Path, *, public: bool, module: str = REPORT_MODULE,
                       title: tuple[str, str] = (REPORT_TITLE, REPORT_TITLE_EN),
                       ) -> dict[str, Any]:
    """The dashboard's notebook: a title, and one cell calling ``module.show(config)``."""
    import nbformat

    from bakhong.kernelspec import KERNEL_NAME

    heading = (title[0] + (" (bản công khai)" if public else "")
               + " / " + title[1] + (" (public)" if public else ""))
    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "bakhong",
                                       "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# {heading}"),  # type: ignore[no-untyped-call]
        nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
            f"from {module} import show\n\n_ = show({str(config)!r})"),
    ]
    return dict(notebook)


def serve_dashboard(
    roots: Sequence[Path], *, population_file: str | None = None, public: bool = False,
    host: str = "127.0.0.1", port: int = DEFAULT_PORT,
) -> None:
    """Serve the dashboard with Voila until stopped (SIGTERM or Ctrl-C)."""
    serve_page({"workshops": [str(Path(root).resolve()) for root in roots],
                "population": str(Path(population_file).resolve()) if population_file else None,
                "public": public}, public=public, host=host, port=port)


def serve_page(
    config_data: dict[str, Any], *, public: bool, host: str, port: int,
    module: str = REPORT_MODULE, title: tuple[str, str] = (REPORT_TITLE, REPORT_TITLE_EN),
) -> None:
    """Serve ``module.show(config)`` as a Voila page until stopped (the report's dashboard,
    or the province's): the lessons' Voila settings, every page computed afresh."""
    import nbformat

    from bakhong import light_page
    from bakhong.dashboard_handlers import ReportVoila
    from bakhong.grading.course import put_environment_on_path
    from bakhong.kernelspec import ensure_installed
    from bakhong.serving import check_port, voila_config

    check_port(host, port)
    page_kind = light_page.page_choice()  # the lessons' light page (BAKHONG_PAGE=lab: Voila's)
    ensure_installed()
    put_environment_on_path()

    with tempfile.TemporaryDirectory(prefix="bakhong-report-") as folder:
        config = Path(folder) / CONFIG_FILE
        descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(config_data, ensure_ascii=False))
        notebook = Path(folder) / DASHBOARD_FILE
        page = nbformat.from_dict(dashboard_notebook(  # type: ignore[no-untyped-call]
            config, public=public, module=module, title=title))
        nbformat.write(page, str(notebook))  # type: ignore[no-untyped-call]
        voila = voila_config(host=host, port=port, pool_size=1)
        voila.VoilaConfiguration.preheat_kernel = False  # every page computes a fresh report
        voila.MappingKernelManager.cull_connected = False  # a page left open keeps working
        light_page.configure(voila, page_kind)
        if host not in ("127.0.0.1", "localhost", "::1") and not public:
            print("Chú ý / Note: bản đầy đủ mở cho cả mạng; chia sẻ ra ngoài lớp thì dùng "
                  "--public / the full version is open to the network; use --public to share",
                  file=sys.stderr)
        print(f"Báo cáo / report: http://{host}:{port}/", flush=True)
        ReportVoila.launch_instance([str(notebook)], config=voila)


def add_parser(commands: Subcommands[argparse.ArgumentParser]) -> None:
    """Add ``report`` to the ``bakhong`` command's subparsers."""
    text = ("Báo cáo phổ cập kỹ năng số theo xã, bài học và chỉ số / the digital-skills "
            "report per commune, lesson and indicator")
    rep = commands.add_parser("report", help=text, description=text)
    rep.set_defaults(func=_report)
    rep.add_argument("workshops", nargs="+", metavar="WORKSHOP",
                     help="thư mục lớp học / workshop folders")
    where = rep.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="FILE.xlsx|FILE.csv|FILE.html|FILE.png",
                       help="tệp báo cáo, dạng theo đuôi tệp (mặc định: mọi dạng vào "
                            "WORKSHOP/reports/) / report file, format by extension (default: "
                            "every format into WORKSHOP/reports/)")
    where.add_argument("--serve", action="store_true",
                       help="mở bảng điều khiển cho cán bộ bằng Voila / serve the officials' "
                            "dashboard with Voila")
    rep.add_argument("--population", metavar="FILE",
                     help="số người trưởng thành theo xã, .xlsx hoặc CSV (không bắt buộc; mặc "
                          "định WORKSHOP/population.csv nếu có) / adults per commune (optional; "
                          "default WORKSHOP/population.csv when there is one)")
    rep.add_argument("--public", action="store_true",
                     help="bản công khai: ẩn số dưới 5 người / the version to share: "
                          "counts under 5 hidden")
    rep.add_argument("--host", default="127.0.0.1",
                     help="địa chỉ phục vụ với --serve / address to serve on (127.0.0.1)")
    rep.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=f"cổng với --serve / port ({DEFAULT_PORT})")

