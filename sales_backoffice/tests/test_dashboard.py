import base64
import json

from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestDashboard(BackofficeCommon):
    def test_dashboard_references_existing_fields_and_loads(self):
        dashboard = self.env.ref("sales_backoffice.spreadsheet_dashboard_backoffice").with_user(
            self.bo_manager
        )
        data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        filters = {flt["id"]: flt for flt in data["globalFilters"]}
        self.assertEqual(
            {flt["label"] for flt in filters.values()}, {"Period", "Sales Team", "Salesperson"}
        )
        formulas = " ".join(
            str(value) for sheet in data["sheets"] for value in sheet["cells"].values()
        )
        self._create_contract([(self.product_valve, 2, 150.0)])
        for pivot_id, pivot in data["pivots"].items():
            self.assertIn(f"=PIVOT({pivot_id},", formulas)
            model = self.env[pivot["model"]].with_user(self.bo_manager)
            for measure in pivot["measures"]:
                if measure["fieldName"] != "__count":
                    self.assertIn(measure["fieldName"], model._fields, pivot["name"])
            for row in pivot["rows"] + pivot["columns"]:
                self.assertIn(row["fieldName"], model._fields, pivot["name"])
            for filter_id, matching in pivot["fieldMatching"].items():
                self.assertIn(filter_id, filters)
                field = model._fields[matching["chain"]]
                self.assertEqual(
                    field.type,
                    {"datetime": "datetime", "date": "date", "many2one": "many2one"}[
                        matching["type"]
                    ],
                )
                if filters[filter_id]["type"] == "relation":
                    self.assertEqual(field.comodel_name, filters[filter_id]["modelName"])
            # What the dashboard asks the server for, as a manager reading it.
            groupby = [
                f"{row['fieldName']}:{row['granularity']}"
                if row.get("granularity")
                else row["fieldName"]
                for row in pivot["rows"]
            ]
            aggregates = [
                "__count"
                if m["fieldName"] == "__count"
                else f"{m['fieldName']}:{model._fields[m['fieldName']].aggregator}"
                for m in pivot["measures"]
            ]
            groups = model.formatted_read_group(pivot["domain"], groupby, aggregates)
            self.assertIsInstance(groups, list)
        performance = self.env["backoffice.contract.performance"].with_user(self.bo_manager)
        totals = performance.formatted_read_group([], [], ["amount_ordered:sum"])
        self.assertGreater(totals[0]["amount_ordered:sum"], 0)


@tagged("post_install", "-at_install")
class TestDashboardTour(BackofficeCommon, HttpCase):
    def test_dashboard_tour(self):
        self._create_contract([(self.product_valve, 2, 150.0)])
        self.start_tour("/odoo", "sales_backoffice_dashboard_tour", login=self.bo_manager.login)
