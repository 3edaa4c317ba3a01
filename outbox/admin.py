from django.contrib import admin

from .models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """What went to whom, and when; never the body (partners' privacy)."""

    list_display = ("created_at", "kind", "event", "person", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("event",)
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "event",
        "person",
        "language",
        "subject",
        "attachment_name",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
    list_select_related = ("person",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
