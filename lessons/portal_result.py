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
#   title: "Bài 3b: Theo dõi hồ sơ – trả lệ phí, bổ sung, nhận kết quả"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("portal_result")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Mở hồ sơ khai sinh bạn đã nộp ở Bài 3 trong **Hồ sơ của tôi**.
# Trả lệ phí 1 bản sao, 8.000 đ, bằng mã QR trong ứng dụng ngân hàng.
# Khi cán bộ yêu cầu bổ sung, gửi đúng giấy tờ; khi có kết quả, tải về điện thoại.
# Cán bộ trả lời sau khoảng nửa phút; xong thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "fee", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal", "pay_fee")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "supplement", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal", "answer_supplement")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "result", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("portal", "download_result")
### END HIDDEN TESTS
