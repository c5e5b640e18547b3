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
#   title: "Bài 8: Cảnh giác lừa đảo nhắm vào người cao tuổi"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("scams")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Kẻ gian hay nhắm vào người cao tuổi: xin mã Zalo, báo con cháu bị tai nạn, giả công an hay ngân hàng.
# Không chuyển tiền, không gửi mã cho ai; cúp máy và gọi lại người thân bằng số bạn đã biết.
# Lỡ bị lừa thì khóa tài khoản ngay, rồi báo tổng đài 156 hoặc công an.
# Xong cả 5 tình huống thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "zalo_otp", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams", "refuse_zalo_otp")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "hospital_call", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams", "hospital_call")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "safe_account", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams", "refuse_safe_account")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "biometric_call", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams", "refuse_biometric_call")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "after_scam", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams", "after_scam")
### END HIDDEN TESTS
