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
#   title: "Bài 6: Nhận tiền vào tài khoản"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("receiving")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Người mua quét mã QR của bạn để trả tiền; tiền ở đây là tiền giả.
# Chỉ giao hàng khi thấy tiền đã về trong **Lịch sử giao dịch**, đúng số tiền và người chuyển.
# Tin nhắn hay ảnh «Chuyển tiền thành công» có thể bị làm giả.
# Xong cả 3 việc thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "own_qr", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("receiving", "show_own_qr")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "allowance", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("receiving", "check_allowance")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fake_transfer", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("receiving", "spot_fake_transfer")
### END HIDDEN TESTS
