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
#   title: "Bài 7: Dùng VNeID hằng ngày"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("vneid_daily")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Tài khoản VNeID mức 2 giữ giấy tờ của bạn trong **Ví giấy tờ**: thẻ BHYT, giấy phép lái xe.
# Đi khám bệnh, bạn mở thẻ trên điện thoại cho lễ tân quét mã QR, không cần thẻ giấy.
# Không bao giờ nói passcode cho ai; mọi số và giấy tờ ở đây đều là mô phỏng.
# Xong cả 3 việc thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "wallet", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_daily", "add_wallet_papers")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "clinic", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_daily", "show_at_clinic")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "newborn", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid_daily", "newborn_in_app")
### END HIDDEN TESTS
