from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "劳动人事争议 (disputes)"

    def ready(self) -> None:
        from disputes.law.cache import invalidate_on_change
        from mediation.models import Organization, Street

        # The names the case list keeps in memory (disputes/selectors/references.py).
        invalidate_on_change(Organization, Street)
