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
#   title: "Bài 9: Trả hóa đơn hằng tháng"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("bills")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Tiền điện, tiền nước, tiền điện thoại trả ngay trong ứng dụng ngân hàng; tiền ở đây là tiền giả.
# Gõ **mã khách hàng** in trên hóa đơn giấy, rồi xem đúng tên nhà mình trước khi trả.
# Chỉ nạp tiền cho số điện thoại của mình, không nạp cho người lạ nhắn tin nhờ.
# Xong cả 3 việc thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "electricity", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("bills", "pay_electricity")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "auto_debit", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("bills", "auto_debit")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "top_up", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("bills", "top_up_phone")
### END HIDDEN TESTS
