"""The admin shows funding records and their history; it does not edit them.

Every change to a stream or an allocation goes through the service functions
(the app's forms, the imports, and the actions below), so that the budget rule
and closed years hold whatever the path. The admin never approves an allocation:
money is committed by a decision record, or directly by a role the organisation
settings allow, on the allocation's page. Withdrawing here asks the status table
the same as the page does, roles included.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from pcc_grants.admin import ReadOnlyAdminMixin

from . import services
from .models import Allocation, FinancialYear, FundingSource, FundingStream, PlanTheme


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(FinancialYear)
class FinancialYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("label", "is_closed")
    actions = ["close_years"]

    @admin.action(description="Close the selected years (no more changes)")
    def close_years(self, request, queryset):
        for year in queryset:
            services.financial_year_close(year=year, by=request.user)
        self.message_user(request, f"{queryset.count()} year(s) closed.")


@admin.register(FundingSource, PlanTheme)
class NameAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(FundingStream)
class FundingStreamAdmin(ReadOnlyAdmin):
    list_display = ("name", "financial_year", "budget", "carried_forward", "parent")
    list_filter = ("financial_year", "ring_fenced", "source")
    search_fields = ("name",)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("title", "funding_stream", "recipient", "amount", "status")
    list_filter = ("status", "funding_stream__financial_year", "route")
    search_fields = ("title", "recipient__name")
    list_select_related = ("funding_stream__financial_year", "recipient")
    actions = ["withdraw"]

    def _each(self, request, queryset, perform, done: str) -> None:
        succeeded = 0
        for allocation in queryset:
            try:
                perform(allocation=allocation, by=request.user)
                succeeded += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{allocation.title}: {' '.join(error.messages)}", messages.ERROR
                )
        if succeeded:
            self.message_user(request, f"{succeeded} allocation(s) {done}.")

    @admin.action(description="Withdraw the selected allocations")
    def withdraw(self, request, queryset):
        self._each(request, queryset, services.allocation_withdraw, "withdrawn")
