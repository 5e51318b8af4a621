from django.contrib import admin

from satisfaction.models import SatisfactionRating


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin[SatisfactionRating]):
    """Read only: ratings are the parties' words, never edited by staff."""

    list_display = ["dispute", "score", "rated_at"]
    list_filter = ["score"]
    date_hierarchy = "rated_at"
    readonly_fields = ["dispute", "party", "score", "comment", "rated_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
