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
#   title: "Bài 5: An toàn trên mạng"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
# ruff: noqa: E402, E501
from bakhong.widgets.entry import lesson_app

lesson_app("safety")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Kẻ gian hay giả làm công an, điện lực hay trang của Nhà nước để lấy mã OTP, mã PIN và tiền.
# Bạn gặp 5 tình huống như thật: hãy **từ chối** hoặc **báo cáo** như ngoài đời.
# Không bao giờ đọc mã OTP hay mã PIN cho ai, dù người đó nói là ai.
# Xong cả 5 tình huống thì bấm **Nộp bài**.

# %% nbgrader={"grade": true, "grade_id": "police_otp", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "refuse_police_otp")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fake_sms", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "report_fake_sms")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "swapped_qr", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "refuse_swapped_qr")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "fake_portal", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "spot_fake_portal")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "refund_pin", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("safety", "refuse_refund_pin")
### END HIDDEN TESTS
