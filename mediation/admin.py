from django.contrib import admin

from mediation.models import DeclaredRelation, District, Membership, Organization, Street


class StreetInline(admin.TabularInline[Street, District]):
    model = Street
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["code", "name", "city", "province"]
    inlines = [StreetInline]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin[Street]):
    list_display = ["code", "name", "district"]
    list_filter = ["district"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline[Membership, Organization]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "kind", "district", "phone", "is_active"]
    list_filter = ["kind", "district", "is_active"]
    search_fields = ["name", "short_name", "address"]
    filter_horizontal = ["streets"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "organization__kind", "is_active"]
    search_fields = ["user__username", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(DeclaredRelation)
class DeclaredRelationAdmin(admin.ModelAdmin[DeclaredRelation]):
    list_display = ["user", "kind", "counterpart_name", "declared_on"]
    list_filter = ["kind"]
    search_fields = ["user__username", "counterpart_name"]
