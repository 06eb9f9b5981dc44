from datetime import date, datetime, time, timedelta

from odoo.tests import tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestDigest(BackofficeCommon):
    def test_kpis_equal_report_figures(self):
        order = self._create_contract([(self.product_valve, 4, 150.0)])
        invoice = self._invoice(order)
        self._pay(invoice, 200.0)
        late = self._create_contract([(self.product_valve, 1, 150.0)])
        late_invoice = self._overdue_invoice(late, 20)
        bid = (
            self.env["backoffice.bid"]
            .with_user(self.bo_manager)
            .create(
                {
                    "name": "Tender",
                    "tender_ref": "D-1",
                    "purchaser_id": self.customer.id,
                    "company_id": self.company.id,
                }
            )
        )
        bid.action_mark_won()

        digest = self.env["digest.digest"].create(
            {"name": "Weekly", "company_id": self.company.id}
        )
        start = datetime.combine(date.today() - timedelta(days=7), time.min)
        end = datetime.combine(date.today(), time.max)
        digest = digest.with_user(self.bo_manager).with_context(
            start_datetime=start, end_datetime=end
        )
        self.assertEqual(digest.kpi_backoffice_contracts_signed_value, 2)
        self.assertEqual(digest.kpi_backoffice_bids_won_value, 1)

        report = self.env["backoffice.contract.performance"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertAlmostEqual(
            digest.kpi_backoffice_overdue_value, sum(report.mapped("amount_overdue"))
        )
        self.assertAlmostEqual(digest.kpi_backoffice_overdue_value, late_invoice.amount_total)
        self.assertAlmostEqual(
            digest.kpi_backoffice_collected_value, sum(report.mapped("amount_collected"))
        )
        self.assertAlmostEqual(digest.kpi_backoffice_collected_value, 200.0)
        self.assertEqual(digest.kpi_backoffice_claims_approved_value, 0)
