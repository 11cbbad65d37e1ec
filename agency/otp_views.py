"""Two-factor sign-in (django-otp): enroll an authenticator app, verify a code after the password, and
10 single-use recovery codes. ``agency.security.TwoFactorMiddleware`` sends an unverified user here."""

import base64
import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agency.audit import audit_record
from agency.choices import AuditOutcome
from agency.http import AuthenticatedRequest, signed_in_user
from agency.security import HAS_TWO_FACTOR

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class EnrollForm(forms.Form):
    code = forms.RegexField(
        label="Code from the app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6 digits the app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code (used once)."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not request.session.get(HAS_TWO_FACTOR):
        return redirect(f"{reverse_lazy('two_factor_setup')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
            if device is not None:
                otp_login(request, device)
                audit_record(
                    actor=request.user,
                    action="user.two_factor_verified",
                    obj=request.user,
                    detail={"method": "recovery_code" if isinstance(device, StaticDevice) else "totp"},
                )
        if device is not None:
            return redirect(_next_url(request))
        audit_record(actor=request.user, action="user.two_factor_failed", obj=request.user, outcome=AuditOutcome.DENIED)
        form.add_error("code", "That code is not valid (or was already used). Try the current one.")
    return render(request, "otp/verify.html", {"form": form, "next": _next_url(request)})


def _qr_data_uri(url: str) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI: drawn here, nothing leaves the server."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Enroll an authenticator app: scan the QR code (or type the key), confirm one code, and receive 10
    recovery codes shown once. A user who already enrolled must verify first (then may enroll anew)."""
    user = request.user
    if request.session.get(HAS_TWO_FACTOR) and not user.is_verified():
        return redirect(f"{reverse_lazy('two_factor_verify')}?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    form = EnrollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            codes = _enroll(request, device)
            return render(request, "otp/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", "That code does not match: check the app shows “Caseline” and try the current code.")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "key": b32encode(device.bin_key).decode("ascii"),
        "next": _next_url(request),
    }
    return render(request, "otp/setup.html", context)


@transaction.atomic
def _enroll(request: AuthenticatedRequest, device: TOTPDevice) -> list[str]:
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # one authenticator per user
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()  # new codes replace any earlier ones
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    otp_login(request, device)
    request.session[HAS_TWO_FACTOR] = True
    audit_record(actor=user, action="user.two_factor_enrolled", obj=user, detail={"recovery_codes": len(codes)})
    return codes


class AuditedPasswordChangeView(PasswordChangeView):
    """Django's password change, audited in the same transaction as the new hash."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = signed_in_user(self.request)  # the view is for signed-in users only (login_required)
        with transaction.atomic():
            form.save()
            audit_record(actor=user, action="user.password_changed", obj=user)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "Your password was changed.")
        return redirect(self.get_success_url())
