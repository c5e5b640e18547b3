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
#   title: "Bài 3: Nộp hồ sơ trực tuyến – khai sinh cho trẻ mới sinh"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("portal")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Nhà vừa có em bé: bạn nộp hồ sơ cho bé trên **Cổng Dịch vụ công** mô phỏng.
# Thông tin của bạn đã có sẵn, bạn chỉ gõ thông tin của bé.
# Khai sinh, thường trú và thẻ bảo hiểm y tế đều **miễn phí**; bạn xin **1 bản sao** Trích lục.
# Nộp hồ sơ xong thì bấm **Nộp bài**; trả lệ phí và nhận kết quả ở Bài 3b.

# %% nbgrader={"grade": true, "grade_id": "login", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal", "login")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "submitted", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal", "submit_bundle")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "once_only", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal", "once_only")
### END HIDDEN TESTS
