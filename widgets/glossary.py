"""Hard words, explained where a resident meets them: the «❓ Từ khó» panel of the help bar.

Every practice app has the help bar (:mod:`.helpbar`) under its screen. Its «❓ Từ khó»
button opens a panel that explains, in one or two plain sentences, each hard word shown on
the screen at that moment (the screen, the message and the panels under it): «OTP»,
«passcode», «mã QR», «chứng thư số», «eKYC», «mức 2», an SDK error code such as «Mã lỗi
64002»… The texts are here, once, for every app; the panel finds the words by itself
(:func:`terms_in`), so a new screen needs no wiring. The other words stay one tap away,
folded under «Các từ khác».

>>> [t.key for t in terms_in("Nhập mã OTP rồi đặt passcode")]
['otp', 'passcode']
>>> [t.key for t in terms_in("A certificate request already exists. (Error code 64002)")]
['certificate', 'code_64002']
>>> terms_in("Chào bạn")
[]
>>> all(t.title and t.text for t in TERMS)
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ipywidgets as w

from .i18n import N_, Translator

__all__ = ["TERMS", "Term", "glossary_html", "screen_text", "terms_in"]


@dataclass(frozen=True)
class Term:
    """One hard word: what the panel calls it and its plain explanation (source strings), and
    the words that show it is on the screen, lower case, in Vietnamese and English."""

    key: str
    title: str
    text: str
    words: tuple[str, ...]
    number: str = ""  # an error code's number, put into the title

    def heading(self, tr: Translator) -> str:
        return tr(self.title).format(number=self.number) if self.number else tr(self.title)


def _code(number: str, text: str) -> Term:
    return Term(f"code_{number}", N_("Mã lỗi {number}"), text,
                (f"mã lỗi {number}", f"error code {number}"), number)


#: In the order the panel lists them.
TERMS: tuple[Term, ...] = (
    Term("otp", N_("Mã OTP"),
         N_("Mã số dùng một lần, gửi qua tin nhắn đến điện thoại của bạn, chỉ dùng được vài "
            "phút. Không bao giờ đọc mã này cho ai, kể cả người xưng là công an hay ngân hàng."),
         ("otp",)),
    Term("passcode", N_("Passcode"),
         N_("Sáu chữ số bạn tự đặt để mở các mục bên trong ứng dụng VNeID. Passcode khác mật "
            "khẩu đăng nhập; chỉ mình bạn biết."),
         ("passcode",)),
    Term("password", N_("Mật khẩu"),
         N_("Chữ và số bí mật bạn đặt để đăng nhập tài khoản. Ghi vào sổ cất ở nhà, không đưa "
            "cho ai."),
         ("mật khẩu", "password")),
    Term("pin", N_("Mã PIN"),
         N_("Sáu chữ số bí mật để xác nhận chuyển tiền hoặc ký số. Ngân hàng và cơ quan nhà "
            "nước không bao giờ hỏi mã PIN của bạn."),
         ("mã pin", "pin")),
    Term("qr", N_("Mã QR"),
         N_("Ô vuông gồm nhiều chấm đen trắng. Điện thoại quét mã để đọc số tài khoản, tên "
            "người nhận và có khi cả số tiền, bạn không phải gõ."),
         ("mã qr", "qr code", "vietqr")),
    Term("balance", N_("Số dư"),
         N_("Số tiền đang có trong tài khoản ngân hàng của bạn. Tiền vào thì số dư tăng, tiền ra "
            "thì số dư giảm."),
         ("số dư", "balance")),
    Term("transfer", N_("Chuyển khoản"),
         N_("Trả tiền từ tài khoản này sang tài khoản khác qua ngân hàng, không dùng tiền mặt. "
            "Người nhận xem «Lịch sử giao dịch» để biết tiền đã về chưa."),
         ("chuyển khoản", "transfer")),
    Term("allowance", N_("Trợ cấp"),
         N_("Khoản tiền Nhà nước trả hằng tháng cho người đủ điều kiện, ví dụ người cao tuổi. "
            "Có thể nhận tiền mặt hoặc nhận vào tài khoản ngân hàng."),
         ("trợ cấp", "allowance")),
    Term("screenshot", N_("Ảnh chụp màn hình"),
         N_("Ảnh chụp lại những gì hiện trên điện thoại. Ảnh này rất dễ sửa hoặc làm giả, nên "
            "không chứng minh được tiền đã chuyển."),
         ("ảnh chụp màn hình", "screenshot")),
    Term("biometrics", N_("Sinh trắc học"),
         N_("Dùng khuôn mặt hoặc vân tay của bạn để ngân hàng nhận ra bạn. Chỉ cập nhật trong "
            "ứng dụng chính thức của ngân hàng hoặc tại quầy, không theo đường link ai gửi."),
         ("sinh trắc học", "biometric")),
    Term("safe_account", N_("Tài khoản an toàn"),
         N_("Cái tên kẻ gian bịa ra để bắt bạn chuyển tiền cho chúng. Công an và ngân hàng "
            "không bao giờ bắt chuyển tiền vào «tài khoản an toàn»."),
         ("tài khoản an toàn", "safe account")),
    Term("hotline_156", N_("Tổng đài 156 và 5656"),
         N_("Tổng đài của Nhà nước nhận báo cáo cuộc gọi và tin nhắn lừa đảo, rác. "
            "Gọi 156 để báo cuộc gọi; nhắn tin đến 5656 để báo tin nhắn."),
         ("156", "5656")),
    Term("lock_account", N_("Khóa tài khoản"),
         N_("Tạm dừng mọi giao dịch của tài khoản ngân hàng hay thẻ, để kẻ gian không rút được "
            "tiền. Làm trong ứng dụng ngân hàng, hoặc gọi số tổng đài in trên thẻ."),
         ("khóa tài khoản", "khóa thẻ", "lock the account", "lock your account")),
    Term("own_name", N_("Đứng tên, chính chủ"),
         N_("SIM, tài khoản hay ví «đứng tên» ai là của người đó. «Chính chủ» là đăng ký bằng "
            "giấy tờ của chính người dùng. Của bạn thì phải đứng tên bạn."),
         ("đứng tên", "chính chủ", "in your own name", "in the name of")),
    Term("e_wallet", N_("Ví điện tử"),
         N_("Ứng dụng giữ tiền để trả tiền điện, nước, mua hàng bằng điện thoại, như một tài "
            "khoản ngân hàng nhỏ. Ví phải đứng tên chính bạn."),
         ("ví điện tử", "e-wallet")),
    Term("sim", N_("SIM"),
         N_("Thẻ nhỏ lắp trong điện thoại, mang số điện thoại của bạn. Mã OTP của ngân hàng và "
            "VNeID gửi về số này."),
         ("sim",)),
    Term("digital_team", N_("Tổ công nghệ số cộng đồng"),
         N_("Những người ở thôn, xã được giao giúp bà con dùng điện thoại và dịch vụ công. Họ "
            "chỉ cách làm, không bao giờ hỏi mật khẩu hay mã của bạn."),
         ("tổ công nghệ số", "digital technology team")),
    Term("gallery", N_("Thư viện ảnh"),
         N_("Nơi điện thoại giữ mọi ảnh bạn chụp. Ai cầm máy, hay ứng dụng lạ được cài vào "
            "máy, đều có thể xem."),
         ("thư viện ảnh", "gallery")),
    Term("bhyt", N_("Thẻ BHYT"),
         N_("Thẻ bảo hiểm y tế. Khi đi khám chữa bệnh, đưa thẻ này để được bảo hiểm trả một "
            "phần tiền. Có thể dùng thẻ trong ví giấy tờ của VNeID thay thẻ giấy."),
         ("bhyt", "bảo hiểm y tế", "health-insurance", "health insurance")),
    Term("wallet", N_("Ví giấy tờ"),
         N_("Mục trong VNeID giữ giấy tờ của bạn: căn cước điện tử, thẻ bảo hiểm y tế, giấy "
            "phép lái xe. Mở bằng passcode, trên điện thoại của chính bạn."),
         ("ví giấy tờ", "document wallet")),
    Term("integrate", N_("Tích hợp thông tin"),
         N_("Đưa giấy tờ có sẵn trong dữ liệu của Nhà nước vào ví VNeID. Bạn chỉ kiểm tra "
            "thông tin đúng là của mình rồi xác nhận."),
         ("tích hợp", "add a paper")),
    Term("joint", N_("Liên thông"),
         N_("Nhiều thủ tục làm cùng một lần bằng một bộ hồ sơ, ví dụ khai sinh, thường trú và "
            "thẻ bảo hiểm y tế cho trẻ mới sinh."),
         ("liên thông", "joint procedure")),
    Term("customer_code", N_("Mã khách hàng"),
         N_("Dãy chữ và số in trên hóa đơn điện, nước, riêng cho nhà bạn. Ngân hàng dùng mã này "
            "để tìm hóa đơn; xem đúng tên nhà mình rồi mới trả."),
         ("mã khách hàng", "customer code")),
    Term("auto_debit", N_("Thanh toán tự động"),
         N_("Bạn cho phép ngân hàng tự trừ tiền trong tài khoản để trả hóa đơn mỗi tháng. Có "
            "thể hủy bất cứ lúc nào trong ứng dụng ngân hàng."),
         ("thanh toán tự động", "automatic payment")),
    Term("limit", N_("Hạn mức"),
         N_("Số tiền nhiều nhất ngân hàng được trừ. Hóa đơn cao hơn hạn mức thì ngân hàng không "
            "tự trả, và báo cho bạn."),
         ("hạn mức", "limit")),
    Term("top_up", N_("Nạp tiền điện thoại"),
         N_("Trả tiền trước cho nhà mạng để gọi điện, nhắn tin, dùng mạng. Người lạ nhắn tin nhờ "
            "nạp tiền hộ thường là lừa đảo."),
         ("nạp tiền", "top up", "top-up")),
    Term("vneid", N_("VNeID"),
         N_("Ứng dụng định danh điện tử của Bộ Công an. Tài khoản VNeID dùng để đăng nhập Cổng "
            "Dịch vụ công và thay thẻ Căn cước khi làm thủ tục."),
         ("vneid",)),
    Term("level2", N_("Định danh mức 2"),
         N_("Tài khoản VNeID đã được xác minh bằng thẻ Căn cước gắn chíp và khuôn mặt. Bạn lên "
            "mức 2 ngay trong ứng dụng (đọc chip thẻ) hoặc tại Công an xã, phường."),
         ("mức 2", "mức hai", "level 2", "level two")),
    Term("nfc", N_("NFC, chip thẻ Căn cước"),
         N_("NFC là cách điện thoại đọc con chip trên thẻ Căn cước khi bạn đặt thẻ sát mặt sau "
            "máy. Máy cũ có thể không có NFC; khi đó hãy đến Công an xã, phường."),
         ("nfc", "chip", "chíp")),
    Term("id_number", N_("Số định danh cá nhân"),
         N_("Mười hai chữ số in trên thẻ Căn cước của bạn. Đó cũng là tên đăng nhập VNeID."),
         ("số định danh", "personal id number", "id number")),
    Term("certificate", N_("Chứng thư số"),
         N_("Giấy chứng nhận điện tử do nhà cung cấp chữ ký số cấp, cho biết chữ ký số là của "
            "bạn. Có chứng thư số, bạn ký giấy tờ trên điện thoại mà không phải đến nơi."),
         ("chứng thư", "certificate")),
    Term("signature", N_("Chữ ký số"),
         N_("Chữ ký trên tệp điện tử, làm bằng ứng dụng ký số và mã PIN của bạn. Nếu ai sửa tệp "
            "sau khi ký, chữ ký báo ngay là không còn hợp lệ."),
         ("chữ ký số", "ký số", "digital signature")),
    Term("ekyc", N_("eKYC"),
         N_("Xác minh danh tính qua mạng: chụp hai mặt thẻ Căn cước và quay khuôn mặt để máy so "
            "với thẻ, thay cho việc đến quầy."),
         ("ekyc",)),
    Term("sms", N_("Tin nhắn SMS"),
         N_("Tin nhắn chữ gửi đến số điện thoại của bạn. Mã OTP và thông báo của cơ quan đến "
            "bằng tin nhắn này."),
         ("sms", "text message")),
    _code("64002", N_("Yêu cầu mua chứng thư lần trước của bạn vẫn còn (thường vì mạng rớt giữa "
                      "chừng). Đừng đăng ký lại: mở «Quản lý yêu cầu» và làm tiếp yêu cầu đó.")),
    _code("62002", N_("Giao dịch ký đã hết giờ vì bạn chưa xác nhận kịp trong ứng dụng ký số. "
                      "Không có gì bị ký; hãy ký lại và xác nhận ngay.")),
    _code("62003", N_("Giao dịch ký này đã xong, bị từ chối hoặc đã hết giờ. Không cần làm gì "
                      "thêm với nó.")),
    _code("60000", N_("Máy này chưa có tài khoản ký số của bạn, thường vì ứng dụng vừa được cài "
                      "lại. Chọn «Kích hoạt lại tài khoản».")),
    _code("64000", N_("Ứng dụng ký số chỉ ký được tệp PDF. Hãy chọn tệp có đuôi .pdf.")),
    _code("5", N_("Bạn đã nhập sai mã PIN ký số năm lần nên tài khoản bị khóa để chống kẻ gian. "
                  "Chọn «Kích hoạt lại tài khoản» để mở lại.")),
)


def _has(text: str, word: str) -> bool:
    """``word`` in ``text`` as a whole word (so «pin» is not found in «spin»)."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def terms_in(text: str) -> list[Term]:
    """The terms whose words appear in ``text`` (any language), in :data:`TERMS` order."""
    folded = " ".join(text.casefold().split())
    return [term for term in TERMS if any(_has(folded, word) for word in term.words)]


def screen_text(widgets: Iterable[w.Widget]) -> str:
    """The words a learner sees in ``widgets`` and their children: HTML without its tags,
    button labels, field labels and placeholders, accordion titles."""
    return " ".join(_texts(widgets))


def _texts(widgets: Iterable[w.Widget]) -> Iterator[str]:
    for widget in widgets:
        if getattr(widget.layout, "display", None) == "none":
            continue
        shown = [getattr(widget, "description", ""), getattr(widget, "placeholder", "")]
        if isinstance(widget, (w.HTML, w.HTMLMath, w.Label)):  # not a field's typed value
            shown.append(widget.value)
        for value in shown:
            if isinstance(value, str) and value:
                markup = re.sub(r"<style.*?</style>", " ", value, flags=re.S)
                yield html.unescape(re.sub(r"<[^>]+>", " ", markup))
        titles = getattr(widget, "titles", None)
        if titles:
            yield " ".join(str(t) for t in titles if t)
        children = getattr(widget, "children", None)
        if children:
            yield from _texts(children)


def glossary_html(tr: Translator, found: list[Term]) -> str:
    """The panel: the terms on the screen, then the others folded under «Các từ khác»."""
    _ = tr

    def items(terms: Iterable[Term]) -> str:
        return "".join(f'<p class="bk-glossary-term"><b>{html.escape(t.heading(tr))}</b></p>'
                       f"<p>{html.escape(_(t.text))}</p>" for t in terms)

    title = html.escape(_("Giải thích từ khó"))
    others = [t for t in TERMS if t not in found]
    none = html.escape(_("Màn hình này không có từ khó."))
    here = f'<div class="bk-glossary-here">{items(found)}</div>' if found else f"<p>{none}</p>"
    more = html.escape(_("Các từ khác"))
    return (f'<section class="bk-glossary-box" role="region" aria-label="{title}">'
            f"<p><b>{title}</b></p>{here}"
            f"<details><summary>{more}</summary>{items(others)}</details></section>")
