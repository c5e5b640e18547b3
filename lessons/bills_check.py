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
#   title: "Tự làm 9: Trả hóa đơn hằng tháng"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("bills_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự trả được hóa đơn hằng tháng trong ứng dụng ngân hàng, không có gợi ý. Tiền ở đây là tiền giả.
# Nếu ứng dụng báo lỗi, hãy đọc thông báo và làm lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "electricity", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("bills_check", "pay_electricity")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "auto_debit", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("bills_check", "auto_debit")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "top_up", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("bills_check", "top_up_phone")
### END HIDDEN TESTS
