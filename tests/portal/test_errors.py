"""One application error, one API exception handler: each refusal gets its status."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from access_requests.services import ActionForbidden, DossierError, InvalidDossier
from omop.services import EtlInputError, EtlOutputMissing, EtlStateError, EtlTargetBusy
from portal.jobs import JobError


def _answer(exc):
    class Refusing(APIView):
        permission_classes = []
        authentication_classes = []

        def get(self, request):
            raise exc

    return Refusing.as_view()(APIRequestFactory().get("/"))


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (InvalidDossier("La période d'étude finit avant son début."), 400),
        (DossierError("Ce dossier est déjà soumis."), 409),
        (ActionForbidden("Seuls les porteurs de projet créent des dossiers."), 403),
        (EtlInputError("Moteur inconnu : choisissez DuckDB ou Spark."), 400),
        (EtlTargetBusy("Une conversion écrit déjà cette sortie."), 409),
        (EtlStateError("Seule une conversion échouée peut être relancée."), 409),
        (EtlOutputMissing("La conversion n'a pas produit de sortie."), 404),
        (JobError("Cette tâche est déjà terminée."), 409),
    ],
)
def test_a_refusal_answers_its_status_with_the_message_that_says_what_to_do(exc, status):
    response = _answer(exc)
    assert response.status_code == status
    assert response.data == {"detail": str(exc)}


def test_a_models_validation_answers_400_per_field_or_as_a_detail():
    per_field = _answer(ValidationError({"acronym": ["Ce sigle existe déjà."]}))
    assert per_field.status_code == 400 and per_field.data == {"acronym": ["Ce sigle existe déjà."]}
    whole = _answer(ValidationError("Le fichier est vide."))
    assert whole.status_code == 400 and whole.data == {"detail": "Le fichier est vide."}


def test_anything_else_is_not_hidden():
    with pytest.raises(KeyError):
        _answer(KeyError("a bug"))
