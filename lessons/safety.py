# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: bakhong
#     language: python
#     name: bakhong
#   title: "Bài 5: An toàn trên mạng"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("safety")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Kẻ gian hay giả làm công an, nhân viên điện lực, hoặc làm trang web giống trang của Nhà nước để lấy mã OTP, mã PIN và tiền của bạn.
# Trong bài này bạn gặp 5 tình huống như thật trên **điện thoại mô phỏng**. Mỗi tình huống, hãy làm như bạn sẽ làm ngoài đời: **từ chối** hoặc **báo cáo**.
#
# 1. **Cuộc gọi tự xưng công an** đòi mã OTP để "nâng cấp VNeID mức 2": từ chối và cúp máy. Công an không bao giờ hỏi mã OTP qua điện thoại; bạn tự lên mức 2 trong ứng dụng VNeID (đọc chip thẻ Căn cước) hoặc tại trụ sở công an xã, phường.
# 2. **Tin nhắn có đường link** tải ứng dụng VNeID: không mở, báo cáo (gửi 5656, miễn phí) rồi xóa. VNeID chỉ tải từ CH Play hoặc App Store.
# 3. **Mã QR ở quầy tạp hóa**: quét mã rồi đọc tên người nhận. Nếu không phải tên chủ quán, bấm hủy và báo chủ quán.
# 4. **Cổng Dịch vụ công quốc gia**: đọc địa chỉ từ phải sang trái. Trang thật là **dichvucong.gov.vn**.
# 5. **Tin nhắn "hoàn tiền điện"** hỏi mã PIN: từ chối, tự xem trong ứng dụng ngân hàng và gọi số tổng đài in trên hóa đơn.
#
# Làm sai thì được làm lại; bài có dấu ✓ là đã xong. Xong cả 5 bài thì bấm **Nộp bài**.
# Không bao giờ đọc mã OTP hay mã PIN cho ai, dù người đó nói là ai.

# %% nbgrader={"grade": true, "grade_id": "police_otp", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "refuse_police_otp")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fake_sms", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "report_fake_sms")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "swapped_qr", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "refuse_swapped_qr")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fake_portal", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "spot_fake_portal")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "refund_pin", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "refuse_refund_pin")
### END HIDDEN TESTS
