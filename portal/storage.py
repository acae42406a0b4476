"""Static files: compressed (gzip, Brotli when available) and cached forever under hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, lenient where nothing was collected.

    ``collectstatic`` (production image, ``manage.py runportal``) writes the hashed and
    compressed copies that WhiteNoise serves with a one-year ``immutable`` cache. A checkout
    where it has not run yet (tests, ``runserver``) falls back to the plain names, which
    WhiteNoise serves from the apps' folders. Production keeps the strict manifest: a missing
    file there is a deployment error, not something to hide.
    """

    def __init__(self, *args, manifest_strict: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifest_strict = manifest_strict

    def stored_name(self, name):
        if self.manifest_strict:
            return super().stored_name(name)
        try:
            return super().stored_name(name)
        except ValueError:
            return name
