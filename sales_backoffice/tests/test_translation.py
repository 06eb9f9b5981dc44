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
