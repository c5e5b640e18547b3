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
#   title: "Tự làm 6: Nhận tiền vào tài khoản"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("receiving_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự nhận tiền được vào tài khoản, không có gợi ý. Tiền ở đây là tiền giả.
# Nếu ứng dụng báo lỗi, hãy đọc thông báo và làm lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "own_qr", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("receiving_check", "show_own_qr")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "allowance", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("receiving_check", "check_allowance")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fake_transfer", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("receiving_check", "spot_fake_transfer")
### END HIDDEN TESTS
