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
# Trả tiền bằng mã QR thì không cần tiền mặt; tiền ở đây là tiền giả.
# Trước khi trả, luôn đọc tên người nhận; sai tên thì bấm **Hủy**.
# Ô «Kiểm tra biên lai» chỉ có trong bài luyện tập.
# Không cho ai biết mã PIN; xong thì bấm **Nộp bài**.

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
