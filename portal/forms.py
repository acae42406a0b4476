"""DSFR-styled versions of Django's account forms."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from .widgets import DsfrMultipleUploadInput


class MultipleFileField(forms.FileField):
    """Several files in one field (DSFR upload widget by default); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DsfrMultipleUploadInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class OptionalDateField(forms.DateField):
    """A date picked with the browser's own calendar; it may stay empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    pass


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class ApiTokenForm(DsfrBaseForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître : le script ou la machine qui s'en sert."),
    )


class OtpCodeForm(DsfrBaseForm):
    code = forms.CharField(
        label=_("Code à usage unique"),
        max_length=16,
        help_text=_("Les 6 chiffres affichés par votre application, ou un code de secours."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
