"""The month-end cumulatives every figure reads stay equal to the submitted reports, whatever
path a report takes: service saves, returns, admin edits and deletes, bulk generation."""

import io
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum

from projects.choices import ReportStatus
from projects.devdata.scale import scale_data_generate
from projects.models import ListingCumulative, MonthlyReport
from projects.services.cumulatives import running_totals
from projects.services.reports import ReportInput, report_return, report_save

OPEN_LISTING = "北环路机械配件厂技改（示例）"  # staff_a's street, September not reported


def stored():
    return {(c.listing_id, m): c.through(m) for c in ListingCumulative.objects.all() for m in range(1, 13)}


def through(listing, month):
    row = ListingCumulative.objects.filter(listing=listing).first()
    return row.through(month) if row else Decimal(0)


def from_reports():
    """The cumulatives summed straight from the submitted reports, month by month."""
    expected = {}
    submitted = MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED)
    for listing_id in set(submitted.values_list("listing_id", flat=True)):
        for month in range(1, 13):
            total = submitted.filter(listing_id=listing_id, month__lte=month).aggregate(t=Sum("investment"))["t"]
            expected[(listing_id, month)] = total or Decimal(0)
    return expected


def test_running_totals_adds_month_by_month_and_fills_the_gaps():
    totals = running_totals([(7, 3, Decimal("10.50")), (7, 1, Decimal("2")), (7, 3, Decimal("1")), (8, 12, Decimal(5))])
    assert totals[7] == [Decimal("2")] * 2 + [Decimal("13.50")] * 10
    assert totals[8] == [Decimal(0)] * 11 + [Decimal(5)]


def test_demo_cumulatives_equal_the_reports(demo):
    assert ListingCumulative.objects.count() * 12 == len(from_reports()) > 0
    assert stored() == from_reports()


def test_submit_return_and_resubmit_move_the_cumulative(users, listing_of):
    staff, admin = users["staff_a"], users["admin"]
    listing = listing_of(OPEN_LISTING)

    def september():
        return through(listing, 9)

    august = through(listing, 8)
    assert september() == august  # nothing reported in September yet

    def save(version, amount, submit):
        data = ReportInput(investment=Decimal(amount), progress="主体施工")
        return report_save(user=staff, listing=listing, month=9, data=data, version=version, submit=submit)

    save(0, "300", submit=False)
    assert september() == august  # a draft does not count
    report = save(1, "320", submit=True)
    assert september() == august + Decimal("320")
    assert through(listing, 12) == august + Decimal("320")
    report_return(user=admin, report=report, reason="请补充工程量", version=2)
    assert september() == august
    save(3, "330.25", submit=True)
    assert september() == august + Decimal("330.25")
    assert stored() == from_reports()


def test_admin_edit_move_and_delete_keep_both_listings_right(listing_of):
    first = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    second = listing_of(OPEN_LISTING)
    report = first.reports.get(month=8)
    report.investment += Decimal("1000")
    report.save()
    assert stored() == from_reports()
    assert not second.reports.filter(month=10).exists()
    report.listing, report.month = second, 10  # moved in the admin: both listings change
    report.save()
    assert stored() == from_reports()
    assert through(first, 12) == sum(r.investment for r in first.reports.filter(status=ReportStatus.SUBMITTED))
    report.photos.all().delete()
    report.problems.update(source_report=None)
    report.delete()
    assert stored() == from_reports()


def test_bulk_generated_listings_have_their_cumulatives(demo):
    scale_data_generate(listings=30, seed=5, years=(2015,), months=9)
    assert stored() == from_reports()


def test_refresh_command_rebuilds_lost_rows(demo):
    expected = stored()
    rows = ListingCumulative.objects.order_by("pk")
    ListingCumulative.objects.filter(pk__in=rows.values("pk")[:3]).delete()
    ListingCumulative.objects.filter(pk__in=rows.values("pk")[:5]).update(month_5=Decimal("1"))
    assert stored() != expected
    output = io.StringIO()
    call_command("refresh_cumulatives", stdout=output)
    assert stored() == expected
    assert f"{len(expected) // 12} 个清单项目" in output.getvalue()
