import base64
import json
import re
from datetime import date

from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon
from .test_expense import ExpenseCommon

# Odoo's global filter types and the field types a data source may match them on.
MATCHING_TYPES = {"datetime": {"datetime"}, "date": {"date"}, "many2one": {"many2one"}}
CELL = re.compile(
    r"^(?:(?P<sheet>\w+)!)?(?P<col>[A-Z]+)(?P<row>\d+)(?::(?P<col2>[A-Z]+)(?P<row2>\d+))?$"
)


def column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


@tagged("post_install", "-at_install")
class TestDashboard(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("sales_backoffice.spreadsheet_dashboard_backoffice").sudo()
        cls.data = json.loads(base64.b64decode(cls.dashboard.spreadsheet_binary_data))
        cls.sheets = {sheet["name"]: sheet for sheet in cls.data["sheets"]}
        cls.filters = {flt["id"]: flt for flt in cls.data["globalFilters"]}
        cls.figures = [fig for sheet in cls.data["sheets"] for fig in sheet["figures"]]

    def _field(self, model, chain):
        """The field at the end of ``chain`` (``user_id.sale_team_id``) on ``model``."""
        *path, name = chain.split(".")
        for step in path:
            self.assertIn(step, model._fields, chain)
            model = self.env[model._fields[step].comodel_name]
        self.assertIn(name, model._fields, f"{model._name}: {chain}")
        return model._fields[name]

    def _assert_matching(self, model, field_matching, label):
        # Period, Sales Team and Salesperson all reach every data source.
        self.assertEqual(set(field_matching), set(self.filters), label)
        for filter_id, matching in field_matching.items():
            field = self._field(model, matching["chain"])
            self.assertIn(field.type, MATCHING_TYPES[matching["type"]], label)
            flt = self.filters[filter_id]
            if flt["type"] == "relation":
                self.assertEqual(field.comodel_name, flt["modelName"], label)
            else:
                self.assertEqual(flt["type"], "date")
                self.assertIn(field.type, ("date", "datetime"), label)

    def _assert_range(self, reference, label):
        """A range of a native chart or scorecard points at an existing sheet and
        inside its size."""
        match = CELL.match(reference.replace("'", ""))
        self.assertTrue(match, f"{label}: {reference}")
        sheet = self.sheets[match["sheet"] or "Dashboard"]
        for col, row in ((match["col"], match["row"]), (match["col2"], match["row2"])):
            if col:
                self.assertLessEqual(
                    column_index(col), sheet["colNumber"], f"{label}: {reference}"
                )
                self.assertLessEqual(int(row), sheet["rowNumber"], f"{label}: {reference}")
        return sheet, match

    def test_global_filters(self):
        self.assertEqual(
            {flt["label"] for flt in self.filters.values()},
            {"Period", "Sales Team", "Salesperson"},
        )

    def test_pivots_reference_existing_fields_and_load_for_a_manager(self):
        self._create_contract([(self.product_valve, 2, 150.0)])
        formulas = " ".join(
            str(value) for sheet in self.data["sheets"] for value in sheet["cells"].values()
        )
        self.assertTrue(self.data["pivots"])
        for pivot_id, pivot in self.data["pivots"].items():
            label = pivot["name"]
            self.assertRegex(formulas, rf"PIVOT(\.VALUE|\.HEADER)?\({pivot_id},", label)
            model = self.env[pivot["model"]].with_user(self.bo_manager)
            for measure in pivot["measures"]:
                if measure["fieldName"] != "__count":
                    self.assertIn(measure["fieldName"], model._fields, label)
                    field = model._fields[measure["fieldName"]]
                    self.assertTrue(field._description_aggregator(self.env), label)
            for row in pivot["rows"] + pivot["columns"]:
                self.assertTrue(
                    model._fields[row["fieldName"]]._description_groupable(self.env), label
                )
            self._assert_matching(model, pivot["fieldMatching"], label)
            # What the dashboard asks the server for, as a manager reading it.
            groupby = [
                f"{dim['fieldName']}:{dim['granularity']}"
                if dim.get("granularity")
                else dim["fieldName"]
                for dim in pivot["rows"] + pivot["columns"]
            ]
            aggregates = [
                "__count"
                if m["fieldName"] == "__count"
                else f"{m['fieldName']}:{model._fields[m['fieldName']].aggregator}"
                for m in pivot["measures"]
            ]
            groups = model.formatted_read_group(pivot["domain"], groupby, aggregates)
            self.assertIsInstance(groups, list, label)
        performance = self.env["backoffice.contract.performance"].with_user(self.bo_manager)
        totals = performance.formatted_read_group([], [], ["amount_ordered:sum"])
        self.assertGreater(totals[0]["amount_ordered:sum"], 0)
        # Each period figure has its previous-period twin, one period back.
        offsets = {
            pivot["name"].rsplit(" - ", 1)[0]: set()
            for pivot in self.data["pivots"].values()
            if " - " in pivot["name"]
        }
        for pivot in self.data["pivots"].values():
            if " - " in pivot["name"]:
                period = next(
                    m
                    for f, m in pivot["fieldMatching"].items()
                    if self.filters[f]["type"] == "date"
                )
                offsets[pivot["name"].rsplit(" - ", 1)[0]].add(period.get("offset", 0))
        self.assertGreaterEqual(len(offsets), 5)
        for name, found in offsets.items():
            self.assertEqual(found, {0, -1}, name)

    def test_pivot_formulas_use_existing_measures(self):
        pattern = re.compile(r'PIVOT\.VALUE\((\d+),\s*"(\w+)"(?:,\s*"#?([\w:]+)")?')
        found = 0
        for sheet in self.data["sheets"]:
            for xc, content in sheet["cells"].items():
                for pivot_id, measure, dimension in pattern.findall(str(content)):
                    found += 1
                    pivot = self.data["pivots"][pivot_id]
                    self.assertIn(
                        measure,
                        {m["fieldName"] for m in pivot["measures"]},
                        f"{sheet['name']}!{xc}",
                    )
                    if dimension:
                        dims = {
                            f"{d['fieldName']}:{d['granularity']}"
                            if d.get("granularity")
                            else d["fieldName"]
                            for d in pivot["rows"] + pivot["columns"]
                        }
                        self.assertIn(dimension, dims, f"{sheet['name']}!{xc}")
        self.assertGreater(found, 40)

    def test_charts_reference_existing_fields_and_cells(self):
        types = [fig["data"]["type"] for fig in self.figures]
        self.assertEqual(types.count("scorecard"), 8)
        self.assertIn("line", types)
        self.assertIn("pie", types)
        self.assertGreaterEqual(types.count("odoo_bar"), 2)
        ids = [fig["id"] for fig in self.figures]
        self.assertEqual(len(ids), len(set(ids)))
        titles = set()
        for fig in self.figures:
            chart = fig["data"]
            label = chart["title"]["text"]
            titles.add(label)
            if chart["type"] == "scorecard":
                for key in ("keyValue", "baseline"):
                    sheet, match = self._assert_range(chart[key], label)
                    self.assertIn(f"{match['col']}{match['row']}", sheet["cells"], label)
            elif chart["type"].startswith("odoo_"):
                meta = chart["metaData"]
                model = self.env[meta["resModel"]].with_user(self.bo_manager)
                self.assertTrue(
                    model._fields[meta["measure"]]._description_aggregator(self.env), label
                )
                for groupby in meta["groupBy"]:
                    field = model._fields[groupby.split(":")[0]]
                    self.assertTrue(field._description_groupable(self.env), label)
                self._assert_matching(model, chart["fieldMatching"], label)
                model.formatted_read_group(
                    chart["searchParams"]["domain"],
                    meta["groupBy"],
                    [f"{meta['measure']}:{model._fields[meta['measure']].aggregator}"],
                )
                if chart.get("actionXmlId"):
                    self.env.ref(chart["actionXmlId"])
            else:
                self._assert_range(chart["labelRange"], label)
                for dataset in chart["dataSets"]:
                    sheet, match = self._assert_range(dataset["dataRange"], label)
                    self.assertIn(f"{match['col']}{match['row']}", sheet["cells"], label)
            self.assertTrue(label, fig["id"])
        self.assertEqual(len(titles), len(self.figures))
        for figure_id, menu in self.data["chartOdooMenusReferences"].items():
            self.assertIn(figure_id, ids)
            self.assertEqual(self.env.ref(menu)._name, "ir.ui.menu")

    def test_no_figure_overlaps_another(self):
        boxes = [
            (fig["offset"]["x"], fig["offset"]["y"], fig["width"], fig["height"])
            for fig in self.sheets["Dashboard"]["figures"]
        ]
        width = sum(col["size"] for col in self.sheets["Dashboard"]["cols"].values())
        for index, (x, y, w, h) in enumerate(boxes):
            self.assertLessEqual(x + w, width)
            for x2, y2, w2, h2 in boxes[index + 1 :]:
                self.assertFalse(x < x2 + w2 and x2 < x + w and y < y2 + h2 and y2 < y + h)

    def test_dashboard_opens_for_managers_only(self):
        dashboard = self.dashboard.sudo(False).with_user(self.bo_manager)
        self.assertEqual(dashboard.dashboard_group_id.name, "Sales")
        served = json.loads(dashboard._get_serialized_readonly_dashboard())
        self.assertEqual(served["snapshot"]["sheets"][0]["name"], "Dashboard")
        visible = self.env["spreadsheet.dashboard"].with_user(self.bo_user).search([])
        self.assertNotIn(self.dashboard, visible)
        self.assertIn(
            self.dashboard, self.env["spreadsheet.dashboard"].with_user(self.bo_manager).search([])
        )


@tagged("post_install", "-at_install")
class TestDashboardTour(ExpenseCommon, HttpCase):
    def test_dashboard_tour(self):
        # Something for every chart to draw, this year.
        today = date.today()
        self._create_contract([(self.product_valve, 2, 150.0)])
        self._overdue_invoice(self._create_contract([(self.product_valve, 1, 150.0)]), 1)
        team = self.env.ref("sales_team.team_sales_department")
        self.env["backoffice.expense.budget"].with_user(self.bo_manager).create(
            {
                "team_id": team.id,
                "company_id": self.company.id,
                "date_from": today.replace(month=1, day=1),
                "date_to": today.replace(month=12, day=31),
                "amount": 5000.0,
            }
        )
        claim = self._claim(
            [{"date": today, "category_id": self.meals.id, "amount": 80.0}],
            date_from=today,
            date_to=today,
            team_id=team.id,
        )
        claim.action_submit()
        claim.with_user(self.bo_user).action_audit()
        claim.with_user(self.bo_manager).action_approve()
        self.assertEqual(claim.state, "approved")
        Bid = self.env["backoffice.bid"].with_user(self.bo_manager)
        bids = Bid.create(
            [
                {
                    "name": f"Tender {index}",
                    "tender_ref": f"DASH-{index}",
                    "purchaser_id": self.customer.id,
                    "company_id": self.company.id,
                    "user_id": self.salesman.id,
                    "date_submission_deadline": today,
                }
                for index in range(3)
            ]
        )
        bids[0].action_mark_won()
        bids[1]._mark_lost(
            "Acme Pumps", 1000.0, self.env.ref("sales_backoffice.bid_lost_reason_price")
        )
        self.start_tour("/odoo", "sales_backoffice_dashboard_tour", login=self.bo_manager.login)
