"""The few plain pages bakhong serves beside Voila: join, please-wait, errors.

Vietnamese first, phone-sized, no JavaScript, nothing loaded from the internet.
The join page shows a QR code of the address the phones reached (for the
projector), and a box to type the learner code when the printed link's address
has changed (another laptop, another Wi-Fi). It never lists learners' links,
except in the demo.

>>> "bk-join-code" in join_page("http://192.168.1.5:8866/", [])
True
>>> "<svg" in join_page("http://192.168.1.5:8866/", [])
True
"""

from __future__ import annotations

import functools
import html
import io

_STYLE = """body{font:18px/1.5 system-ui,sans-serif;max-width:360px;margin:0 auto;padding:12px;
color:#111}a{display:block;min-height:48px;padding:10px 4px;color:#0b4f9c}
.bk-mark{background:#c62828;color:#fff;padding:4px 8px;border-radius:6px;font-weight:700}
label{display:block;font-weight:700;margin-top:12px}
input{font:28px/1.2 monospace;letter-spacing:4px;width:100%;box-sizing:border-box;
min-height:56px;padding:6px 10px;text-transform:uppercase;border:2px solid #333;border-radius:8px}
button{font:inherit;font-weight:700;width:100%;min-height:56px;margin-top:12px;border:0;
border-radius:8px;background:#0b4f9c;color:#fff}
.bk-error{border:2px solid #c62828;background:#fdecea;padding:8px 12px;border-radius:8px}
.bk-local-only{border:2px solid #8a5300;background:#fff4e0;padding:8px 12px;border-radius:8px}
.bk-qr svg{width:100%;height:auto}.bk-address{font:700 22px monospace;word-break:break-all}"""


def _page(title: str, body: str, *, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{meta}
<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>
<p><span class="bk-mark">MÔ PHỎNG</span> Ứng dụng luyện tập – không phải dịch vụ thật</p>
{body}</body></html>"""


#: The longest address the join page draws as a QR code (a class address is about 30
#: characters; the address comes from the request's Host header, which anyone can set).
MAX_QR_ADDRESS = 100


@functools.lru_cache(maxsize=16)
def qr_svg(text: str) -> str:
    """An inline SVG QR code of ``text`` (qrcode's SVG path factory, no image files); kept,
    since every phone opening ``/`` asks for the same one (about 15 ms to draw)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


#: The most of a typed code the join page shows back in its box (the box takes 12).
ECHO_CHARS = 24


def join_page(address: str, demo_links: list[tuple[str, str, str]],
              error: tuple[str, str] | None = None, typed: str = "") -> str:
    """``/``: type the code on your card; the QR of this address for the projector.

    ``error`` is the problem in Vietnamese and in English (shown below, smaller). What was
    typed is shown back only when it is short enough to be a code mistyped.

    >>> page = join_page("http://10.0.0.2:8866/", [], ("Không tìm thấy.", "Not found."), "Ư" * 99)
    >>> "Không tìm thấy." in page and "Not found." in page and "ƯƯ" not in page
    True
    """
    problem = (f'<div class="bk-error" role="alert"><p>{html.escape(error[0])}</p>'
               f'<p lang="en"><small>{html.escape(error[1])}</small></p></div>'
               if error else "")
    typed = typed.strip() if len(typed.strip()) <= ECHO_CHARS else ""
    qr = qr_svg(address) if len(address) <= MAX_QR_ADDRESS else ""
    demo = "".join(
        f'<li><a class="bk-home-learner" href="{html.escape(url)}">{html.escape(name)}'
        f' <small>({html.escape(commune)})</small></a></li>' for name, commune, url in demo_links)
    return _page("Vào lớp học – bakhong", f"""
<h1>Lớp học kỹ năng số «3 không»</h1>
<form action="join" method="get">
<label for="code">Mã học viên (8 ký tự trên thẻ)</label>
<input id="code" class="bk-join-code" name="code" value="{html.escape(typed)}" maxlength="12"
 autocomplete="off" autocapitalize="characters" autocorrect="off" spellcheck="false"
 inputmode="text" required>
{problem}
<button class="bk-join-submit" type="submit">Vào học</button>
</form>
<h2>Địa chỉ lớp học</h2>
<p>Quét mã QR hoặc gõ địa chỉ này trên điện thoại:</p>
<div class="bk-qr" role="img" aria-label="Mã QR của địa chỉ lớp học">{qr}</div>
<p class="bk-address">{html.escape(address)}</p>
{local_only_note(address)}
{"<h2>Học viên mẫu (demo)</h2><ul>" + demo + "</ul>" if demo_links else ""}
<p lang="en"><small>Type the code on your learner card. English is available inside the app.
</small></p>""")


def local_only_note(address: str) -> str:
    """Under an address only this laptop can open (``127.0.0.1``, ``localhost``): why the
    phones cannot, and what to do; nothing under any other address.

    >>> "--host 0.0.0.0" in local_only_note("http://127.0.0.1:8866/")
    True
    >>> local_only_note("http://192.168.1.10:8866/")
    ''
    """
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(address).hostname or ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        return ""
    return ("""<p class="bk-local-only" role="note"><b>Địa chỉ này chỉ mở được trên chính máy tính
này</b>, điện thoại không mở được. Để điện thoại vào học qua Wi-Fi, hãy dừng lớp học rồi mở lại
với <code>--host 0.0.0.0</code> (ví dụ <code>make demo HOST=0.0.0.0</code>); trang này sẽ hiện
địa chỉ Wi-Fi của máy và mã QR của nó.</p>
<p lang="en"><small>This address works on this laptop only: phones cannot open it. Serve with
--host 0.0.0.0 for the workshop Wi-Fi.</small></p>""")


#: What an error page says, per HTTP status: Vietnamese title and text, then English.
_ERRORS = {
    404: ("Không tìm thấy trang này",
          "Địa chỉ này không có trong lớp học. Hãy mở lại đường link trên thẻ học viên, "
          "hoặc về trang đầu và gõ mã trên thẻ.",
          "Page not found. Open the link on your learner card again, or go to the first "
          "page and type the code on your card."),
    400: ("Đường link không đúng",
          "Đường link này bị hỏng hoặc thiếu chữ. Hãy mở lại đường link trên thẻ học viên, "
          "hoặc về trang đầu và gõ mã trên thẻ.",
          "This link is broken. Open the link on your learner card again, or go to the first "
          "page and type the code on your card."),
    403: ("Không mở được trang này",
          "Trang này không dành cho học viên. Hãy về trang đầu và gõ mã trên thẻ học viên.",
          "This page is not open to learners. Go to the first page and type the code on "
          "your learner card."),
}
_SERVER_ERROR = ("Máy chủ lớp học gặp lỗi",
                 "Hãy đợi vài giây rồi tải lại trang. Nếu vẫn lỗi, hãy báo người hướng dẫn.",
                 "The class laptop had a problem. Wait a few seconds and reload the page; if "
                 "it happens again, tell your trainer.")


def error_page(status: int, home: str = "/") -> str:
    """The page for an HTTP error: Vietnamese first, English below, never a traceback.

    404 and 405 say the page does not exist, 400 that the link is broken, other 4xx that
    the page is not for learners, 5xx that the laptop had a problem.

    >>> page = error_page(404)
    >>> "Không tìm thấy trang này" in page and "Page not found" in page
    True
    >>> "Máy chủ lớp học gặp lỗi" in error_page(500)
    True
    """
    if status in (400, 404):
        title, text, english = _ERRORS[status]
    elif status == 405:
        title, text, english = _ERRORS[404]
    elif 400 <= status < 500:
        title, text, english = _ERRORS[403]
    else:
        title, text, english = _SERVER_ERROR
    return _page(f"{title} – bakhong", f"""
<h1>{html.escape(title)}</h1>
<p role="alert">{html.escape(text)}</p>
<a class="bk-home" href="{html.escape(home)}">Về trang đầu</a>
<p lang="en"><small>{html.escape(english)} ({status})</small></p>""")


def notice_page(title: str, text: str, english: str, *, refresh: int | None = None) -> str:
    """A page that tells a resident one thing: Vietnamese, then English below; with
    ``refresh``, it reloads itself after so many seconds.

    >>> page = notice_page("Lớp học đang mở lại", "Đợi một chút.", "Wait.", refresh=5)
    >>> "<h1>Lớp học đang mở lại</h1>" in page, 'content="5"' in page
    (True, True)
    """
    return _page(f"{title} – bakhong", f"""
<h1>{html.escape(title)}</h1>
<p role="status">{html.escape(text)}</p>
<p lang="en"><small>{html.escape(english)}</small></p>""", refresh=refresh)


def wait_page(retry_seconds: int) -> str:
    """Shown when every kernel the laptop can hold is busy; the page retries by itself."""
    return notice_page("Vui lòng đợi một chút",
                       f"Lớp học đang đông người. Trang sẽ tự mở lại sau {retry_seconds} giây; "
                       "bạn không cần làm gì.",
                       "The class is busy: this page retries by itself.", refresh=retry_seconds)
