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
#   title: "Bài 1: Kích hoạt tài khoản định danh điện tử VNeID"
# ---

# %% nbgrader={"grade": false, "grade_id": "app", "locked": true, "schema_version": 3, "solution": false}
from bakhong.widgets.entry import lesson_app

lesson_app("vneid")

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false}
# ## Hướng dẫn bài học
#
# Có tài khoản VNeID mức 2, bạn làm thủ tục hành chính trên điện thoại, không phải đến trụ sở xã.
# Trong bài này bạn luyện trên **ứng dụng mô phỏng** với một **nhân vật mô phỏng** (xem «Thẻ nhân vật mô phỏng» ở trên):
#
# 1. Đăng ký tài khoản mức 1 bằng số định danh và số điện thoại chính chủ.
# 2. Kích hoạt tài khoản: nhập mã OTP trong tin nhắn, đặt mật khẩu, passcode 6 số và 2 câu hỏi bảo mật.
# 3. Lên mức 2 ngay trong ứng dụng: đọc chip thẻ Căn cước (NFC) và chụp khuôn mặt (mô phỏng). Điện thoại không đọc được chip thì đến Công an xã/phường. Rồi đăng nhập lại và xem mức tài khoản.
#
# Xong thì bấm **Nộp bài**. Không bao giờ nhập số định danh, số điện thoại hay mã OTP thật của bạn.

# %% nbgrader={"grade": true, "grade_id": "registered", "locked": true, "points": 1, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid", "register")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "activated", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid", "activate")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "level2", "locked": true, "points": 2, "schema_version": 3, "solution": false}
### BEGIN HIDDEN TESTS
from bakhong.grading.hidden_tests import task_done

assert task_done("vneid", "login_level2")
### END HIDDEN TESTS
