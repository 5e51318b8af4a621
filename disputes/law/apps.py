from django.apps import AppConfig


class LawConfig(AppConfig):
    name = "disputes.law"
    label = "law"
    verbose_name = "法定期限与规则 (statutory periods and rules)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from disputes.law import signals
        from disputes.law.cache import invalidate_on_change
        from disputes.law.models import StatutoryPeriod

        invalidate_on_change(*self.get_models())
        post_save.connect(
            signals.period_saved, sender=StatutoryPeriod, dispatch_uid="law-period-revision"
        )
        post_delete.connect(
            signals.period_deleted, sender=StatutoryPeriod, dispatch_uid="law-period-deleted"
        )
