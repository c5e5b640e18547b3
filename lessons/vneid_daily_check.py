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
#   title: "Tự làm 7: Dùng VNeID hằng ngày"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("vneid_daily_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự dùng VNeID hằng ngày được, không có gợi ý. Mọi số và giấy tờ ở đây
# đều là mô phỏng. Nếu ứng dụng báo lỗi, hãy thử lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "wallet", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_daily_check", "add_wallet_papers")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "clinic", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_daily_check", "show_at_clinic")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "procedure", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_daily_check", "newborn_in_app")
### END HIDDEN TESTS
