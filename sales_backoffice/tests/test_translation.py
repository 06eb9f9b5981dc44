import base64
from datetime import date, timedelta
from io import BytesIO

from openpyxl import Workbook, load_workbook

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestChineseTranslation(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["sales_backoffice"], ["zh_CN"], overwrite=True
        )
        cls.bo_user.lang = "zh_CN"

    def test_menus_report_and_errors_in_chinese(self):
        env = self.env(user=self.bo_user, context={"lang": "zh_CN"})
        menus = env["ir.ui.menu"].load_menus(debug=False)
        names = {
            menu["xmlid"]: menu["name"] for key, menu in menus.items() if isinstance(key, int)
        }
        self.assertEqual(names["sales_backoffice.backoffice_menu_root"], "销售后台")
        self.assertEqual(names["sales_backoffice.backoffice_workbench_menu"], "今日")
        self.assertEqual(names["sales_backoffice.backoffice_sample_menu"], "样品与物料")
        report = env.ref("sales_backoffice.action_report_contract_performance")
        self.assertEqual(report.name, "合同执行报告")
        sample = env["backoffice.sample"].create(
            {
                "company_id": self.company.id,
                "line_ids": [(0, 0, {"description": "色卡", "quantity": 1})],
            }
        )
        sample.action_submit()
        with self.assertRaisesRegex(UserError, "不是草稿"):
            sample.action_submit()
        selection = dict(env["backoffice.sample"]._fields["state"]._description_selection(env))
        self.assertEqual(selection["to_review"], "待审核")

    def _template_header(self, env):
        action = env["backoffice.bid.import"].create({}).action_download_template()
        download_id = int(action["url"].split("?")[0].split("/")[4])
        data = env["backoffice.xlsx.download"].browse(download_id)._get_content()
        sheet = load_workbook(BytesIO(data), read_only=True).worksheets[0]
        return list(next(sheet.iter_rows(values_only=True)))

    def _import_with(self, env, header, reference):
        today = date.today()
        by_header = {
            "招标编号": reference,
            "Tender Reference": reference,
            "标题": "水泵",
            "Title": "水泵",
            "采购方": "上海水务",
            "Purchaser": "上海水务",
            "投标截止日期": today + timedelta(days=10),
            "Submission Deadline": today + timedelta(days=10),
        }
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header)
        sheet.append([by_header.get(name.rstrip(" *")) for name in header])
        buffer = BytesIO()
        workbook.save(buffer)
        wizard = env["backoffice.bid.import"].create(
            {"file_data": base64.b64encode(buffer.getvalue()), "file_name": "t.xlsx"}
        )
        wizard.action_import()
        return wizard

    def test_import_templates_cross_languages(self):
        """A template downloaded in English imports for a Chinese user, and a
        Chinese one for an English user: headers are accepted in both."""
        english_user = self.bo_user.copy({"login": "bo_english", "lang": "en_US"})
        english_env = self.env(user=english_user, context={"lang": "en_US"})
        chinese_env = self.env(user=self.bo_user, context={"lang": "zh_CN"})
        english = self._template_header(english_env)
        chinese = self._template_header(chinese_env)
        self.assertIn("Tender Reference *", english)
        self.assertIn("招标编号 *", chinese)
        self.assertEqual(self._import_with(chinese_env, english, "ZH-1").created_count, 1)
        self.assertEqual(self._import_with(english_env, chinese, "EN-1").created_count, 1)
        bids = self.env["backoffice.bid"].search([("tender_ref", "in", ("ZH-1", "EN-1"))])
        self.assertEqual(len(bids), 2)
        self.assertEqual(set(bids.mapped("purchaser_id.name")), {"上海水务"})
