"""Every action the audit log records: one closed list (as Zulip's AuditLogEventType).

``audit_record`` refuses any other name, so a new state change starts by adding its line
here, with the label the audit pages show. Values are ``<area>.<verb>`` and never change:
they are stored in past entries.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # --- accounts, tokens and the audit log itself (portal) --------------------------
    ACCOUNT_LOGIN = "account.login", _("Connexion")
    ACCOUNT_LOGOUT = "account.logout", _("Déconnexion")
    ACCOUNT_ROLES_ADD = "account.roles_add", _("Rôles ajoutés")
    ACCOUNT_ROLES_REMOVE = "account.roles_remove", _("Rôles retirés")
    ACCOUNT_ROLES_CLEAR = "account.roles_clear", _("Rôles tous retirés")
    ACCOUNT_OTP_ENROL = "account.otp_enrol", _("Double authentification activée")
    ACCOUNT_OTP_DISABLE = "account.otp_disable", _("Double authentification désactivée")
    ACCOUNT_OTP_VERIFY = "account.otp_verify", _("Code de double authentification accepté")
    ACCOUNT_OTP_FAILURE = "account.otp_failure", _("Code de double authentification refusé")
    ACCOUNT_OTP_RECOVERY_CODE_USED = "account.otp_recovery_code_used", _("Code de secours utilisé")
    ACCOUNT_OTP_RECOVERY_CODES_RENEW = (
        "account.otp_recovery_codes_renew",
        _("Codes de secours renouvelés"),
    )
    API_TOKEN_ISSUE = "api_token.issue", _("Jeton d'API créé")
    API_TOKEN_REVOKE = "api_token.revoke", _("Jeton d'API révoqué")
    API_TOKEN_REVOKE_ALL = "api_token.revoke_all", _("Tous les jetons d'API révoqués")
    AUDIT_EXPORT = "audit.export", _("Journal d'audit exporté")
    AUDIT_RETENTION_PURGE = "audit.retention_purge", _("Entrées anciennes purgées")
    # --- background jobs (portal) ------------------------------------------------------
    JOB_ENQUEUE = "job.enqueue", _("Tâche lancée")
    JOB_CANCEL = "job.cancel", _("Annulation de tâche demandée")
    JOB_SUCCEEDED = "job.succeeded", _("Tâche réussie")
    JOB_FAILED = "job.failed", _("Tâche échouée")
    JOB_CANCELLED = "job.cancelled", _("Tâche annulée")
    JOB_FAIL_STALE = "job.fail_stale", _("Tâche bloquée déclarée en échec")
    # --- catalogue -----------------------------------------------------------------------
    CATALOGUE_IMPORT = "catalogue.import", _("Catalogue importé")
    CATALOGUE_FILE_IMPORT = "catalogue.file_import", _("Fichier de catalogue importé")
    CATALOGUE_DATABASE_CREATE = "catalogue.database_create", _("Base créée")
    CATALOGUE_DATABASE_UPDATE = "catalogue.database_update", _("Base modifiée")
    CATALOGUE_DATABASE_DELETE = "catalogue.database_delete", _("Base supprimée")
    CATALOGUE_TABLE_CREATE = "catalogue.table_create", _("Table créée")
    CATALOGUE_TABLE_UPDATE = "catalogue.table_update", _("Table modifiée")
    CATALOGUE_TABLE_DELETE = "catalogue.table_delete", _("Table supprimée")
    CATALOGUE_VARIABLE_CREATE = "catalogue.variable_create", _("Variable créée")
    CATALOGUE_VARIABLE_UPDATE = "catalogue.variable_update", _("Variable modifiée")
    CATALOGUE_VARIABLE_DELETE = "catalogue.variable_delete", _("Variable supprimée")
    CATALOGUE_NOMENCLATURE_CREATE = "catalogue.nomenclature_create", _("Nomenclature créée")
    CATALOGUE_NOMENCLATURE_UPDATE = "catalogue.nomenclature_update", _("Nomenclature modifiée")
    CATALOGUE_NOMENCLATURE_DELETE = "catalogue.nomenclature_delete", _("Nomenclature supprimée")
    CATALOGUE_PARTNER_REGISTER = "catalogue.partner_register", _("Catalogue partenaire ajouté")
    CATALOGUE_PARTNER_CHANGE = "catalogue.partner_change", _("Catalogue partenaire modifié")
    CATALOGUE_PARTNER_HARVEST = "catalogue.partner_harvest", _("Catalogue partenaire moissonné")
    CATALOGUE_PARTNER_HARVEST_FAILED = (
        "catalogue.partner_harvest_failed",
        _("Moissonnage d'un catalogue partenaire échoué"),
    )
    QUALITY_DATA_FILE_ATTACH = "quality.data_file_attach", _("Fichier de données joint")
    QUALITY_PROFILING_START = "quality.profiling_start", _("Profilage lancé")
    QUALITY_PROFILING_STORE = "quality.profiling_store", _("Profil enregistré")
    QUALITY_ROW_COUNT_FROM_PROFILE = (
        "quality.row_count_from_profile",
        _("Nombre de lignes repris du profil"),
    )
    QUALITY_RULE_SET = "quality.rule_set", _("Règle de qualité définie")
    CODELISTS_REFERENTIALS_LOAD = "codelists.referentials_load", _("Référentiels chargés")
    CODELISTS_CREATE = "codelists.create", _("Liste de codes créée")
    CODELISTS_UPDATE = "codelists.update", _("Liste de codes modifiée")
    CODELISTS_ATTACH = "codelists.attach", _("Liste de codes jointe à un dossier")
    # --- OMOP --------------------------------------------------------------------------
    OMOP_ETL_JOB_CREATE = "omop.etl_job.create", _("Conversion OMOP lancée")
    OMOP_ETL_JOB_CANCEL = "omop.etl_job.cancel", _("Conversion OMOP annulée")
    OMOP_ETL_JOB_RETRY = "omop.etl_job.retry", _("Conversion OMOP relancée")
    OMOP_ETL_JOB_OUTPUT = "omop.etl_job.output", _("Sortie OMOP enregistrée")
    OMOP_ETL_JOB_REGISTER = "omop.etl_job.register", _("Sortie OMOP cataloguée")
    OMOP_OUTPUT_DOWNLOAD = "omop.output_download", _("Sortie OMOP téléchargée")
    OMOP_VOCABULARY_LOAD = "omop.vocabulary.load", _("Vocabulaires OMOP chargés")
    OMOP_STCM_LOAD = "omop.stcm.load", _("Table SOURCE_TO_CONCEPT_MAP chargée")
    OMOP_MAPPING_APPROVED = "omop.mapping.approved", _("Alignement approuvé")
    OMOP_MAPPING_REJECTED = "omop.mapping.rejected", _("Alignement rejeté")
    # --- publications ------------------------------------------------------------------
    PUBLICATION_RELEVANCE = "publication.relevance", _("Pertinence d'une publication jugée")
    PUBLICATION_RELEVANCE_BULK = (
        "publication.relevance_bulk",
        _("Pertinence de publications jugée en lot"),
    )
    PUBLICATION_MERGE_UNDO = "publication.merge_undo", _("Fusion de publications annulée")
    PUBLICATION_MODEL_TRAIN = "publication.model_train", _("Modèle de pertinence entraîné")
    AFFILIATION_CORRECT = "affiliation.correct", _("Affiliation corrigée")
    SAVED_QUERY_CREATE = "saved_query.create", _("Requête de veille créée")
    SAVED_QUERY_REFRESH = "saved_query.refresh", _("Requête de veille relancée")
    SAVED_QUERY_CONFIRM = "saved_query.confirm", _("Résultats de veille confirmés")
    # --- dossiers ------------------------------------------------------------------------
    DOSSIER_CREATE = "dossier.create", _("Dossier créé")
    DOSSIER_UPDATE = "dossier.update", _("Dossier modifié")
    DOSSIER_ARCHIVE = "dossier.archive", _("Dossier archivé")
    DOSSIER_TEAM_ADD = "dossier.team_add", _("Membre ajouté à l'équipe")
    DOSSIER_TEAM_REMOVE = "dossier.team_remove", _("Membre retiré de l'équipe")
    DOSSIER_DATA_REQUEST = "dossier.data_request", _("Données demandées")
    DOSSIER_DATA_REMOVE = "dossier.data_remove", _("Données retirées de la demande")
    DOSSIER_DOCUMENT_ADD = "dossier.document_add", _("Document déposé")
    DOSSIER_DOCUMENT_DOWNLOAD = "dossier.document_download", _("Document téléchargé")
    DOSSIER_MESSAGE_THREAD = "dossier.message_thread", _("Message au porteur")
    DOSSIER_MESSAGE_INTERNAL = "dossier.message_internal", _("Note interne")
    DOSSIER_RAPPORTEUR_ASSIGN = "dossier.rapporteur_assign", _("Rapporteur désigné")
    DOSSIER_REPORT_FILE = "dossier.report_file", _("Rapport déposé")
    DOSSIER_RESULTS_PUBLISH = "dossier.results_publish", _("Résultats publiés")
    DOSSIER_FOLLOW_UP_REMIND = "dossier.follow_up_remind", _("Relance de suivi envoyée")
    DOSSIER_CNIL_RENEW = "dossier.cnil_renew", _("Délai CNIL prolongé")
    # one per transition of the procedure (access_requests.services.workflow)
    DOSSIER_SUBMIT = "dossier.submit", _("Dossier soumis")
    DOSSIER_START_CHECK = "dossier.start_check", _("Examen de complétude commencé")
    DOSSIER_REQUEST_COMPLEMENTS = "dossier.request_complements", _("Compléments demandés")
    DOSSIER_ANSWER_COMPLEMENTS = "dossier.answer_complements", _("Compléments apportés")
    DOSSIER_DECLARE_ADMISSIBLE = "dossier.declare_admissible", _("Dossier déclaré recevable")
    DOSSIER_REGISTER = "dossier.register", _("Dossier enregistré")
    DOSSIER_SEND_TO_CESREES = "dossier.send_to_cesrees", _("Dossier transmis au CESREES")
    DOSSIER_START_CESREES_REVIEW = "dossier.start_cesrees_review", _("Examen du CESREES commencé")
    DOSSIER_FILE_OPINION = "dossier.file_opinion", _("Avis du CESREES rendu")
    DOSSIER_GO_TO_CNIL = "dossier.go_to_cnil", _("Dossier transmis à la CNIL")
    DOSSIER_CORRECT = "dossier.correct", _("Dossier renvoyé pour correction")
    DOSSIER_AUTHORISE = "dossier.authorise", _("Projet autorisé")
    DOSSIER_REFUSE = "dossier.refuse", _("Projet refusé")
    DOSSIER_CLOSE_WITHOUT_ACTION = "dossier.close_without_action", _("Dossier classé sans suite")
    DOSSIER_SIGN_AGREEMENT = "dossier.sign_agreement", _("Convention signée")
    DOSSIER_MAKE_DATA_AVAILABLE = "dossier.make_data_available", _("Données mises à disposition")
    DOSSIER_START_PROJECT = "dossier.start_project", _("Projet commencé")
    DOSSIER_CLOSE = "dossier.close", _("Projet clos")
    DOSSIER_WITHDRAW = "dossier.withdraw", _("Dossier retiré")
    DOSSIER_REDIRECT = "dossier.redirect", _("Dossier réorienté")
