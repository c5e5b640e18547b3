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
#   title: "Tự làm 2: Trả tiền bằng mã VietQR"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("payment_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự trả tiền được bằng mã QR, không có gợi ý. Tiền ở đây là tiền giả.
# Nếu ứng dụng báo lỗi, hãy đọc thông báo và làm lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "stall", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment_check", "pay_static")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "bill", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment_check", "pay_bill")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "swapped", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("payment_check", "refuse_swapped_qr")
### END HIDDEN TESTS
