from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "指标与监督 (indicators and supervision)"

    def ready(self) -> None:
        # Loud on nonsense (STYLE.md habit 10): a default version that does not exist.
        from django.conf import settings

        from indicators.definitions import BY_REF

        for code, version in settings.INDICATORS_DEFAULT_VERSIONS.items():
            if (code, version) not in BY_REF:
                known = ", ".join(sorted(f"{c}={v}" for c, v in BY_REF))
                raise ImproperlyConfigured(
                    f"INDICATORS_DEFAULT_VERSIONS: no definition {code}={version} (known: {known})."
                )
