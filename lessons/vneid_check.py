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
#   title: "Tự làm 1: Kích hoạt tài khoản VNeID mức 2"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("vneid_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự làm được, không có gợi ý. Hôm nay bạn giúp một người trong nhà: thông tin của họ ở trên thẻ nhân vật.
# Nếu ứng dụng báo lỗi, hãy đọc thông báo và làm lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "registered", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_check", "register")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "activated", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_check", "activate")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "level2", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_check", "login_level2")
### END HIDDEN TESTS
