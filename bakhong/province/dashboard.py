"""The officials' province dashboard (Voila): the report's dashboard over the province's data.

:func:`show` is the one call of the served notebook (``bakhong province dashboard``): it
reads the province's report from PostgreSQL (:func:`.officials.province_report`) and hands
it to :func:`bakhong.widgets.report_dashboard.dashboard` with the province's charts and the
views a commune narrows; «Cập nhật số liệu» reads the database again. Any failure becomes a
Vietnamese sentence, never a traceback.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from pathlib import Path

from bakhong.grading.report_model import Report
from bakhong.widgets.i18n import error_text, translator
from bakhong.widgets.report_dashboard import FAILED, DashboardHandles, dashboard

__all__ = ["PER_COMMUNE", "province_dashboard", "show"]

log = logging.getLogger(__name__)
#: The views the commune list narrows.
PER_COMMUNE = ("xa", "xep-hang", "chi-so")


def province_dashboard(report: Report, *, lang: str = "vi",
                       reload: Callable[[], Report] | None = None) -> DashboardHandles:
    from .charts import chart_png

    return dashboard(report, lang=lang, reload=reload, title=False, chart=chart_png,
                     per_commune=PER_COMMUNE)


def show(config: str | Path) -> DashboardHandles | None:
    """Display the dashboard ``config`` asks for: JSON with ``db`` (URL) and ``public``."""
    from IPython.display import HTML, display

    from . import db
    from .officials import province_report

    tr = translator("vi")
    try:
        chosen = json.loads(Path(config).read_text(encoding="utf-8"))
        engine = db.engine(chosen["db"], pool_size=1)
        public = bool(chosen.get("public"))

        def load() -> Report:
            return province_report(engine, public=public)

        handles = province_dashboard(load(), reload=load)
    except Exception as err:
        log.error("the province dashboard failed", exc_info=err)
        text = html.escape(tr(FAILED).format(reason=error_text(err, tr)))
        page = HTML(f'<p class="bkr-note" role="alert">⚠️ {text}</p>')  # type: ignore[no-untyped-call]
        display(page)  # type: ignore[no-untyped-call]
        return None
    display(handles.root)  # type: ignore[no-untyped-call]
    return handles
