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
#   title: "Bài 1: Kích hoạt tài khoản định danh điện tử VNeID"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("vneid")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Có tài khoản VNeID mức 2, bạn làm thủ tục trên điện thoại, không phải đến xã.
# Bạn đăng ký, kích hoạt, rồi lên mức 2 ngay trong ứng dụng bằng chip thẻ Căn cước.
# Không bao giờ nhập số định danh, số điện thoại hay mã OTP thật của bạn.
# Xong thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "registered", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid", "register")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "activated", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid", "activate")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "level2", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid", "login_level2")
### END HIDDEN TESTS
