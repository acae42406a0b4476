"""Form widgets of the DSFR that django-dsfr does not give: the file upload component."""

from django import forms


class DsfrUploadInput(forms.ClearableFileInput):
    """The DSFR upload component: ``fr-upload-group`` around an ``fr-upload`` input
    (django-dsfr's field template reads ``group_class``)."""

    group_class = "fr-upload-group"

    def __init__(self, attrs=None):
        super().__init__({"class": "fr-upload", **(attrs or {})})


class DsfrMultipleUploadInput(DsfrUploadInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"multiple": True, **(attrs or {})})
