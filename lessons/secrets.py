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
#   title: "Bài 10: Giữ bí mật của mình"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("secrets")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Mật khẩu và mã PIN là bí mật của riêng bạn: ghi vào sổ, cất ở nhà.
# SIM, tài khoản ngân hàng và ví điện tử phải đứng tên chính bạn.
# Con cháu được chỉ chỗ bấm, nhưng mã thì bạn tự gõ; không đưa máy cho người lạ.
# Xong cả 4 tình huống thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "notebook", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets", "password_notebook")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "own_name", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets", "own_name")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "who_may_help", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets", "who_may_help")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "lend_phone", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("secrets", "lend_phone")
### END HIDDEN TESTS
