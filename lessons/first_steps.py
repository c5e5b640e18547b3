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
#   title: "Bài 0: Làm quen với điện thoại"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501 (a notebook: one import per graded cell, long markdown lines)
from bakhong.widgets.entry import lesson_app

lesson_app("first_steps")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Bài này giúp bạn làm quen với **điện thoại mô phỏng**: mọi tên, số và tài khoản ở đây là giả.
# Trang chủ có 5 phần, làm phần nào trước cũng được.
# Không bao giờ cho ai biết mật khẩu hay mã trong tin nhắn.
# Xong thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "tap", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("first_steps", "tap")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "type_vietnamese", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("first_steps", "type_vietnamese")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "read_sms_code", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("first_steps", "read_sms_code")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "recover_account", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("first_steps", "recover_account")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "install_app", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("first_steps", "install_app")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "privacy", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("first_steps", "privacy")
### END HIDDEN TESTS
