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
#   title: "Tự làm 4: Ký số một văn bản"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("signing_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự ký số và tự kiểm tra chữ ký được, không có gợi ý. Văn bản ở đây là văn bản mô phỏng.
# Nếu ứng dụng báo lỗi, hãy đọc thông báo và làm lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "certificate", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing_check", "certificate")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "sign_doc", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing_check", "sign_doc")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "trust_valid", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing_check", "trust_valid")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "spot_bad", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing_check", "spot_bad")
### END HIDDEN TESTS
