from django.urls import path

from .views import (
    action,
    indicators,
    partner,
    removal,
    resource_corrections,
    statement,
    table,
    timeline,
    workbook,
)

app_name = "actions"

urlpatterns = [
    path("roadmaps/", table.roadmap_list, name="roadmap_list"),
    path("roadmaps/<int:pk>/", table.roadmap, name="roadmap"),
    path("roadmaps/<int:pk>/timeline/", timeline.roadmap_timeline, name="timeline"),
    path("roadmaps/<int:pk>/export.xlsx", workbook.export, name="export"),
    path("roadmaps/<int:pk>/import/", workbook.import_workbook, name="import"),
    path(
        "roadmaps/<int:pk>/import/template.xlsx",
        workbook.import_template,
        name="import_template",
    ),
    path(
        "roadmaps/<int:pk>/partners/<int:org_pk>/statement.xlsx",
        statement.partner_statement,
        name="partner_statement",
    ),
    path("roadmaps/<int:pk>/removed/", removal.removed_list, name="removed_actions"),
    path("roadmaps/<int:roadmap_pk>/actions/new/", action.action_create, name="action_create"),
    path("actions/<int:pk>/", action.action_detail, name="action"),
    path("actions/<int:pk>/row/", action.action_row, name="action_row"),
    path("actions/<int:pk>/edit/", action.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", removal.action_delete, name="action_delete"),
    path("actions/<int:pk>/move/", action.action_move, name="action_move"),
    path("actions/<int:pk>/indicators/", indicators.action_indicators, name="action_indicators"),
    # Pledges and deliveries in the browser: the staff, and partners for their own (issue 16).
    path("actions/<int:pk>/pledges/new/", partner.pledge_create, name="pledge_create"),
    path("pledges/<int:pk>/deliveries/new/", partner.delivery_create, name="delivery_create"),
    # Correcting an action's resources (its page's editors).
    path("pledges/<int:pk>/", resource_corrections.pledge_edit, name="pledge_edit"),
    path("pledges/<int:pk>/delete/", resource_corrections.pledge_delete, name="pledge_delete"),
    path("deliveries/<int:pk>/", resource_corrections.delivery_edit, name="delivery_edit"),
    path(
        "deliveries/<int:pk>/delete/",
        resource_corrections.delivery_delete,
        name="delivery_delete",
    ),
]
