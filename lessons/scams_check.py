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
#   title: "Tự làm 8: Cảnh giác lừa đảo"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("scams_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự nhận ra kẻ lừa đảo, không có gợi ý. Người, số và tiền ở đây là giả.
# Ứng dụng ghi lại việc bạn chọn và chưa nói đúng sai. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "zalo_otp", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams_check", "refuse_zalo_otp")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "hospital_call", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams_check", "hospital_call")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "safe_account", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams_check", "refuse_safe_account")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "biometric_call", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams_check", "refuse_biometric_call")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "after_scam", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("scams_check", "after_scam")
### END HIDDEN TESTS
