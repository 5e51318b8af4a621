from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "劳动人事争议 (disputes)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from disputes.selectors.references import table_changed
        from mediation.models import Organization, Street

        for model in (Organization, Street):
            uid = f"names-cache-{model._meta.label_lower}"
            post_save.connect(table_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(table_changed, sender=model, dispatch_uid=uid)
