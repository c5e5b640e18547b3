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
#   title: "Bài 2: Thanh toán không dùng tiền mặt bằng mã VietQR"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("payment")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Trả tiền bằng mã QR: không cần mang tiền mặt, không phải thối tiền, có biên lai để đối chiếu.
# Bạn luyện trên **ứng dụng ngân hàng mô phỏng**; tiền và tài khoản ở đây đều là giả, không có tiền thật nào được chuyển.
#
# 1. Cài mã PIN Smart OTP (6 số) lần đầu dùng ứng dụng.
# 2. **Chợ:** trả tiền rau cho cô Hạnh bằng mã QR của quầy. Mã QR tĩnh không có số tiền: bạn tự nhập đúng số tiền cô Hạnh nói.
# 3. **Hóa đơn tiền điện:** quét mã QR động in trên hóa đơn. Số tiền đã có sẵn, bạn chỉ kiểm tra rồi xác nhận.
# 4. **Cảnh giác:** ở quầy trái cây cô Lụa, quét mã rồi đọc tên người nhận. Nếu tên không phải của cô Lụa, mã đã bị dán đè: bấm **Hủy**, không trả tiền.
# 5. **Biên lai:** nhập mã giao dịch của hóa đơn tiền điện vào «Kiểm tra biên lai». Ô này chỉ có trong bài luyện tập; ở ứng dụng thật, bạn so mã giao dịch trong «Lịch sử giao dịch».
#
# Có thể chụp ảnh mã QR dán trên tường lớp học bằng nút «Chụp ảnh mã QR». Xong thì bấm **Nộp bài**.
# Không bao giờ cho ai biết mã PIN hay mã OTP của bạn.

# %% nbgrader={"grade": true, "grade_id": "stall", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment", "pay_static")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "bill", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment", "pay_bill")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "swapped", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment", "refuse_swapped_qr")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "receipt", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment", "check_receipt")
### END HIDDEN TESTS
