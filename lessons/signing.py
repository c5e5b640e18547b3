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
#   title: "Bài 4: Chữ ký số cá nhân – ký từ xa trên điện thoại"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("signing")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Với chữ ký số cá nhân, bạn ký giấy tờ trên điện thoại mà không phải đến Ủy ban xã.
# Đây là **ứng dụng ký số mô phỏng**: chứng thư số do «CA mô phỏng» của lớp học cấp, không có giá trị pháp lý.
#
# 1. **Đăng ký chứng thư số**: xác thực bằng tài khoản VNeID (Bài 1), xác nhận thông tin có sẵn, chụp thẻ và khuôn mặt (mô phỏng), đồng ý hợp đồng, đặt mã PIN ký số 6 số.
# 2. **Mất kết nối giữa chừng?** Đừng đăng ký lại từ đầu: mở lại ứng dụng và **tiếp tục yêu cầu đang chờ**.
# 3. **Ký tờ khai** «Tờ khai thay đổi thông tin cư trú (CT01)» trong Kho dữ liệu, rồi xác nhận giao dịch bằng mã PIN.
# 4. **Kiểm tra chữ ký** của «Thông báo của UBND xã» và của «Hợp đồng đặt cọc (nhận qua Zalo)», rồi cho biết bạn có tin văn bản đó không.
#
# Không bao giờ cho ai biết mã PIN ký số. Xong thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "enrol", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "enrol")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "recover", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "recover")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "sign_form", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "sign_form")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "trust_valid", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "trust_valid")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "spot_tampered", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "spot_tampered")
### END HIDDEN TESTS
