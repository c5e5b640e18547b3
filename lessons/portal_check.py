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
#   title: "Tự làm 3: Nộp hồ sơ trực tuyến"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("portal_check")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Bài tự làm
#
# Bài này kiểm tra bạn tự nộp được một hồ sơ trên Cổng Dịch vụ công, không có gợi ý. Cổng, cán bộ và giấy tờ đều là giả; tiền lệ phí cũng là tiền giả.
# Nếu ứng dụng báo lỗi, hãy đọc thông báo và làm lại. Xong thì bấm **Nộp bài** để xem nhận xét.

# %% nbgrader={"grade": true, "grade_id": "login", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal_check", "login")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "filed", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal_check", "submit_dossier")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "once_only", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal_check", "once_only")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "papers", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal_check", "right_papers")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fee", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal_check", "pay_fee")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "status", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal_check", "read_status")
### END HIDDEN TESTS
