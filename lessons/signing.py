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
#   title: "Bài 4: Chữ ký số cá nhân – ký từ xa trên điện thoại"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("signing")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Với chữ ký số cá nhân, bạn ký giấy tờ trên điện thoại, không phải đến xã.
# Chứng thư số ở đây do «CA mô phỏng» cấp, không có giá trị pháp lý.
# Bạn đăng ký chứng thư, ký một tờ khai và kiểm tra chữ ký của hai văn bản.
# Không cho ai biết mã PIN ký số; xong thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "enrol", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "enrol")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "recover", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "recover")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "sign_form", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "sign_form")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "trust_valid", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "trust_valid")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "spot_tampered", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("signing", "spot_tampered")
### END HIDDEN TESTS
