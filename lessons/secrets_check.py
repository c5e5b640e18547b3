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
#   title: "Tự làm 10: Giữ bí mật của mình"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("secrets_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự giữ bí mật của mình, không có gợi ý. Người và nơi chốn ở đây là giả.
# Ứng dụng ghi lại việc bạn chọn và chưa nói đúng sai. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "notebook", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets_check", "password_notebook")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "own_name", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets_check", "own_name")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "who_may_help", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets_check", "who_may_help")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "lend_phone", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets_check", "lend_phone")
### END HIDDEN TESTS
