"""The public service portal: `/dich-vu-cong/` (public pages; account pages check the login themselves)."""

from collections.abc import Callable
from typing import Any, cast

from csp.constants import NONE
from csp.decorators import csp_replace
from django.http.response import HttpResponseBase
from django.urls import path

from chinhquyen.portal import views

app_name = "portal"

#: The citizens' pages run no script at all: the site-wide policy (settings.CONTENT_SECURITY_POLICY,
#: django-csp) narrowed for these views; everything else (styles, fonts, images from this site
#: only, no framing, forms to this site) is the site-wide policy's.
_PORTAL_POLICY = csp_replace({"script-src": [NONE], "connect-src": [NONE], "base-uri": [NONE]})


def _csp(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    # django-csp types its decorators for views that take the request only; ours take arguments too.
    return cast(Callable[..., HttpResponseBase], _PORTAL_POLICY(cast(Any, view)))


urlpatterns = [
    path("", _csp(views.home), name="home"),
    path("thu-tuc/", _csp(views.procedure_list), name="procedures"),
    path("thu-tuc/<str:code>/", _csp(views.procedure_detail), name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", _csp(views.start_application), name="apply"),
    path("tra-cuu/", _csp(views.tracking), name="tracking"),
    path("thong-ke/", _csp(views.statistics), name="statistics"),
    path("dang-ky/", _csp(views.sign_up), name="sign_up"),
    path("xac-nhan-so-dien-thoai/", _csp(views.verify_phone), name="verify_phone"),
    path("xac-nhan/<str:token>/", _csp(views.verify_email), name="verify"),
    path("dang-nhap/", _csp(views.log_in), name="login"),
    path("dang-nhap/dinh-danh/", _csp(views.oidc_start), name="oidc_start"),
    path("dang-nhap/dinh-danh/ve/", _csp(views.oidc_callback), name="oidc_callback"),
    path("dang-xuat/", _csp(views.log_out), name="logout"),
    path("ho-so-cua-toi/", _csp(views.my_dossiers), name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", _csp(views.my_dossier), name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/ket-qua/", _csp(views.result_download), name="result"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", _csp(views.rate), name="rate"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", _csp(views.answer_supplement), name="supplement"),
    path("ho-so-nhap/<int:pk>/", _csp(views.draft_view), name="draft"),
    path("ho-so-nhap/<int:pk>/kiem-tra/", _csp(views.check_view), name="check"),
    path("da-nop/<str:code>/", _csp(views.submitted), name="submitted"),
]
