"""The public service portal: `/dich-vu-cong/` (public pages; account pages check the login themselves)."""

from django.urls import path

from chinhquyen.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", views.start_application, name="apply"),
    path("tra-cuu/", views.tracking, name="tracking"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("dang-ky/", views.sign_up, name="sign_up"),
    path("xac-nhan/<str:token>/", views.verify_email, name="verify"),
    path("dang-nhap/", views.log_in, name="login"),
    path("dang-xuat/", views.log_out, name="logout"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/ket-qua/", views.result_download, name="result"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", views.rate, name="rate"),
    path("ho-so-nhap/<int:pk>/", views.draft_view, name="draft"),
    path("ho-so-nhap/<int:pk>/kiem-tra/", views.check_view, name="check"),
    path("da-nop/<str:code>/", views.submitted, name="submitted"),
]
