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
# Nhà vừa có em bé. Thay vì đến Ủy ban xã, bạn làm **một lần** trên Cổng Dịch vụ công: khai sinh, đăng ký thường trú và thẻ bảo hiểm y tế cho bé.
# Đây là **cổng mô phỏng**: hồ sơ, cán bộ và giấy tờ đều là giả.
#
# 1. **Đăng nhập** bằng tài khoản định danh điện tử (VNeID) đã kích hoạt ở Bài 1: số định danh và mật khẩu của bạn.
# 2. Tìm thủ tục **«Liên thông: Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi»** và bấm «Nộp hồ sơ trực tuyến».
# 3. **Khai một lần:** thông tin của bạn, của cha mẹ bé và nơi thường trú đã có sẵn. Chỉ xem lại và bấm «Tiếp tục»; chỉ sửa khi thông tin sai. Bạn chỉ gõ thông tin của bé (xem «Thẻ nhân vật mô phỏng») và xin **1 bản sao** Trích lục khai sinh.
# 4. Đính kèm **Giấy chứng sinh** có trong Kho dữ liệu, rồi **Nộp hồ sơ**.
# 5. Khai sinh đúng hạn, thường trú và thẻ bảo hiểm y tế của bé đều **miễn phí**. Chỉ bản sao Trích lục mất phí (8.000 đ một bản): **nộp phí** bằng mã QR trong ứng dụng ngân hàng, rồi quay lại cổng.
# 6. Cán bộ có thể **yêu cầu bổ sung** giấy tờ: đọc lý do và gửi bổ sung.
# 7. Khi hồ sơ **«Đã trả kết quả»**, tải Trích lục khai sinh về điện thoại.
#
# Cán bộ (mô phỏng) xử lý hồ sơ sau khoảng nửa phút mỗi bước: bấm «Làm mới» để xem. Xong thì bấm **Nộp bài**.

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
