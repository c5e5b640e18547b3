"""The portal's form, one step per screen, and its review («Kiểm tra và nộp hồ sơ»).

A field the state already holds (``spec.source``) is shown read-only with its source
(«Nguồn: Cơ sở dữ liệu quốc gia về dân cư»); «Sửa» opens it, «Giữ nguyên» puts the
registry's value back. The fields the registry cannot know are inputs: a dropdown for a
choice (translated labels, the source string as value), a date as dd/mm/yyyy, a count.
After a refused «Tiếp tục» each field's message is shown in red under it, and what was
typed stays (the screen is not rebuilt). The review lists every value, marks the
corrections «đã sửa», shows the fees and the attachment as pictures of its pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w

from bakhong.simulators import idnumber
from bakhong.simulators.portal import SOURCES, DocumentInfo, Draft, InvalidForm, PortalStatus
from bakhong.simulators.procedures import FieldSpec

from .phone import (
    choice_list,
    facts,
    format_phone,
    html_block,
    paragraph,
    screen_title,
    text_input,
    zoom_button,
)
from .portal_screens import (
    Page,
    document_picker,
    fee_rows,
    page_pictures,
    picked,
    procedure,
    upload_control,
)
from .portal_signing import sign_form_controls

if TYPE_CHECKING:
    from .portal_app import PortalView

__all__ = ["FORM_PAGES"]


# -- the form ------------------------------------------------------------------------------------

@dataclass
class FormField:
    """One field on the screen: its input, its red line, and the box that holds them."""

    spec: FieldSpec
    input: w.Text | w.ToggleButtons
    error: w.HTML
    box: w.VBox

    def value(self) -> str:
        return str(self.input.value or "")

    def show_error(self, text: str) -> None:
        self.error.value = (f'<p class="bk-error-line" role="alert">⚠️ {html.escape(text)}'
                            "</p>") if text else ""


def display_value(view: PortalView, spec: FieldSpec, value: str) -> str:
    """A value as the screen shows it: a choice translated, numbers grouped for reading."""
    if not value:
        return "—"
    if spec.kind == "choice":
        return view.tr(value)
    if spec.kind == "id_number":
        return idnumber.format(value)
    return format_phone(value) if spec.kind == "phone" else value


def _input(view: PortalView, spec: FieldSpec, value: str) -> w.Text | w.ToggleButtons:
    _ = view.tr
    label = _(spec.label)
    field: w.Text | w.ToggleButtons
    if spec.kind == "choice":  # a list to tap: a dropdown would cut a long option
        options = [(_(choice), choice) for choice in spec.choices]
        if value and value not in spec.choices:
            options.append((value, value))  # a registry value outside the list: shown as is
        field = choice_list("bk-portal-field", label, options, value or None)
    else:
        placeholder = {"date": _("dd/mm/yyyy"), "end_date": _("dd/mm/yyyy"),
                       "count": _("từ 0 đến 10"), "id_number": _("12 chữ số"),
                       "phone": _("10 chữ số")}.get(spec.kind, "")
        numbers = spec.kind in ("id_number", "phone", "count")  # the phone's number pad
        field = text_input("bk-portal-field", label, placeholder,
                           keypad="numeric" if numbers else "")
        field.value = value
    view.keep_as("bk-portal-field", f"field-{spec.key}", field)
    return field


def _form_field(view: PortalView, spec: FieldSpec, draft: Draft) -> FormField:
    _ = view.tr
    key = spec.key
    field = _input(view, spec, draft.values.get(key, ""))
    error = html_block("")
    view.keep_as("bk-portal-field-error", f"error-{key}", error)
    hint = [paragraph(_(spec.hint), "bk-hint")] if spec.hint else []
    if spec.source is None:
        return FormField(spec, field, error, w.VBox([field, *hint, error],
                                                    layout=w.Layout(width="100%")))
    prefilled = draft.prefilled.get(key, "")
    label = _(spec.label)
    shown = display_value(view, spec, prefilled)
    readonly = html_block(facts(((label, shown),)))
    view.keep_as("bk-portal-prefilled", f"value-{key}", readonly)
    source = paragraph(_("Nguồn: {source}").format(source=_(SOURCES.get(spec.source,
                                                                           spec.source))),
                       "bk-source")
    box = w.VBox([], layout=w.Layout(width="100%"))
    box.add_class("bk-prefilled-field")
    row = w.HBox([source], layout=w.Layout(width="100%"))
    row.add_class("bk-source-row")

    def show(open_: bool) -> None:
        edit.description = _("Giữ nguyên") if open_ else _("Sửa")
        edit.tooltip = (_("Giữ nguyên: {label}") if open_ else _("Sửa: {label}")).format(
            label=label)
        row.children = (source, edit)
        box.children = (field, *hint, row, error) if open_ else (readonly, row, error)

    def toggle() -> None:
        if key in view.opened:
            view.opened.discard(key)
            field.value = prefilled  # «Giữ nguyên»: the registry's value again
            show(False)
        else:
            view.opened.add(key)
            show(True)
    edit = view.item_button("bk-portal-edit", f"edit-{key}", _("Sửa"), toggle, refresh=False)
    source.layout.width, source.layout.flex = "auto", "1 1 auto"  # beside the button
    edit.layout.width, edit.layout.flex = "auto", "0 0 auto"
    show(key in view.opened)
    return FormField(spec, field, error, box)


def _step_screen(view: PortalView, draft: Draft) -> list[w.Widget]:
    _ = view.tr
    chosen = draft.procedure
    number = draft.step
    step = chosen.steps[number]
    corrected = {spec.key for spec in step.fields if spec.key in draft.corrected}
    if view.opened_step != (chosen.code, number):  # a new step: its corrections open
        view.opened, view.opened_step = corrected, (chosen.code, number)
        view.field_errors = {}
    else:  # the same step again (a language switch): what was opened stays open
        view.opened |= corrected
    fields = [_form_field(view, spec, draft) for spec in step.fields]

    def show_errors() -> None:
        for item in fields:
            item.show_error(_(view.field_errors[item.spec.key])
                            if item.spec.key in view.field_errors else "")
    show_errors()  # the red lines of a refused «Tiếp tục», on a rebuilt screen too

    def next_step() -> None:
        view.field_errors = {}
        show_errors()
        values = {item.spec.key: item.value() for item in fields
                  if item.spec.source is None or item.spec.key in view.opened}
        try:
            view.sim.save_step(chosen.code, number, values, set(view.opened))
        except InvalidForm as err:
            view.field_errors = dict(err.errors)  # source strings, said in the page's language
            show_errors()
            raise

    def back() -> None:
        if number == 0:
            view.move("procedure", chosen.code)
        else:
            view.sim.back(chosen.code)
    title = _("Bước {number}/{total}: {title}").format(number=number + 1,
                                                       total=len(chosen.steps),
                                                       title=_(step.title))
    items: list[w.Widget] = [screen_title(title), paragraph(_(chosen.title), "bk-hint")]
    if any(spec.source for spec in step.fields):
        items.append(paragraph(_("Các ô có sẵn lấy từ cơ sở dữ liệu quốc gia: bạn không phải "
                                 "khai lại. Đúng thì bấm «Tiếp tục»; chỉ bấm «Sửa» khi thông "
                                 "tin sai."), "bk-hint"))
    return [*items, *(item.box for item in fields),
            view.button("bk-portal-continue", _("Tiếp tục"), next_step, primary=True),
            view.button("bk-portal-step-back", _("Quay lại"), back)]


# -- the review ----------------------------------------------------------------------------------

def _values_html(view: PortalView, draft: Draft) -> str:
    _ = view.tr
    corrected = html.escape(_("đã sửa"))
    parts = []
    for step in draft.procedure.steps:
        lines = []
        for spec in step.fields:
            shown = display_value(view, spec, draft.values.get(spec.key, ""))
            mark = (f' <span class="bk-corrected">{corrected}</span>'
                    if spec.key in draft.corrected else "")
            keep = ' style="white-space: nowrap"' if spec.kind in ("id_number", "phone",
                                                                   "date") else ""
            lines.append(f'<p><span class="bk-key">{html.escape(_(spec.label))}:</span> '
                         f'<span class="bk-value"{keep}>{html.escape(shown)}</span>{mark}</p>')
        parts.append(f"<h3>{html.escape(_(step.title))}</h3>{''.join(lines)}")
    return "".join(parts)


def _attachment(view: PortalView, draft: Draft, key: str, title: str,
                docs: list[DocumentInfo]) -> list[w.Widget]:
    _ = view.tr
    code = draft.procedure.code
    doc_id = draft.files.get(key, "")
    if doc_id:
        info, content = view.sim.document(doc_id)
        line = _("Đã đính kèm: {title}").format(title=_(info.title))
        shown = f"<p>{html.escape(line)}</p>" + page_pictures(view, content, _(info.title))
    else:
        missing = html.escape(_("Chưa đính kèm."))
        shown = f'<p class="bk-warning">{missing}</p>'
    attached = view.keep_as("bk-portal-attached", f"attached-{key}", html_block(shown))
    zoom = [view.keep_as("bk-common-zoom", f"zoom-{key}", zoom_button(attached, view.tr))] \
        if doc_id else []
    picker = document_picker(view, "bk-portal-pick-doc", f"pick-doc-{key}", docs, doc_id)

    def attach() -> str:
        chosen = picked(picker)
        view.sim.attach(code, key, chosen)
        return _("Đã đính kèm giấy tờ.")

    def uploaded(filename: str, content: bytes) -> str:
        new = view.sim.upload(filename, content)
        view.sim.attach(code, key, new)
        return _("Đã tải lên Kho dữ liệu cá nhân và đính kèm «{filename}».").format(
            filename=filename)
    return [html_block("<h3>" + html.escape(_("Giấy tờ đính kèm: {title}").format(
                title=_(title))) + "</h3>"),
            attached, *zoom, picker,
            view.item_button("bk-portal-attach", f"attach-{key}", _("Đính kèm giấy tờ đã chọn"),
                             attach),
            upload_control(view, "bk-portal-upload", f"upload-{key}", uploaded),
            paragraph(_("Xem kỹ ảnh giấy tờ: chữ và số phải đọc được."), "bk-hint")]


def review(view: PortalView, draft: Draft) -> Page:
    docs = view.sim.documents()

    def build() -> list[w.Widget]:
        _ = view.tr
        code = draft.procedure.code
        values = view.keep("bk-portal-review", html_block(_values_html(view, draft)))
        fees = view.keep("bk-portal-fees", html_block(fee_rows(view, draft.fee_items)))
        items: list[w.Widget] = [
            screen_title(_("Kiểm tra và nộp hồ sơ")),
            paragraph(_(draft.procedure.title), "bk-hint"),
            paragraph(_("Xem lại thông tin. Muốn sửa, bấm «Quay lại» đến bước cần sửa.")),
            values, html_block("<h3>" + html.escape(_("Phí, lệ phí")) + "</h3>"), fees]
        for attachment in draft.procedure.attachments:
            items += _attachment(view, draft, attachment.key, attachment.title, docs)
        items += sign_form_controls(view, draft)  # «Ký số tờ khai», for a form to attach

        def submit() -> str:
            filed = view.sim.submit(code)
            view.move("dossier", filed.code)
            if filed.fee is not None:
                return _("Đã nộp hồ sơ {code}. Hồ sơ có phí, lệ phí: hãy bấm «Thanh toán trực "
                         "tuyến» để cán bộ tiếp nhận.").format(code=filed.code)
            return _("Đã nộp hồ sơ {code}.").format(code=filed.code)

        def back() -> None:
            view.sim.back(code)
        return [*items, view.button("bk-portal-submit", _("Nộp hồ sơ"), submit, primary=True),
                view.button("bk-portal-step-back", _("Quay lại"), back)]
    return Page(("form", draft.procedure.code, draft.step), build,
                (tuple(sorted(draft.files.items())), tuple(doc.doc_id for doc in docs)))


def form(view: PortalView, status: PortalStatus) -> Page:
    draft = view.sim.draft(view.code)
    if draft is None:  # filed meanwhile (another tab), or never started
        view.move("procedure", view.code)
        return procedure(view, status)
    if draft.at_review:
        return review(view, draft)
    step = draft.procedure.steps[draft.step]
    return Page(("form", view.code, draft.step), lambda: _step_screen(view, draft),
                typing=any(spec.source is None for spec in step.fields))


FORM_PAGES: dict[str, Callable[[PortalView, PortalStatus], Page]] = {"form": form}
