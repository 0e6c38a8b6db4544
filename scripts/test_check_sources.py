"""Self-test of check_sources.py: python3 -m unittest discover -s scripts"""
import os
import sys
import tempfile
import unittest
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_sources as cs  # noqa: E402

SOURCE = "全年专利申请量1796件，同比增长26%。\n授理专利案件两件，结案率100%，发放资料五万份。\n检查商品16000余件\n专利申请量达到一百二十件，占比41?\n"


class ChineseNumerals(unittest.TestCase):
    def test_values(self):
        for text, want in [("两", 2), ("三十五", 35), ("一百二十", 120), ("五万", 50000),
                           ("十二", 12), ("一千零五", 1005), ("一万二千", 12000),
                           ("三亿五千万", 350000000)]:
            self.assertEqual(cs.parse_chinese_numeral(text), want, text)

    def test_not_numerals(self):
        for text in ["万", "百", "二五", ""]:
            self.assertIsNone(cs.parse_chinese_numeral(text), text)

    def test_numbers_in_quote(self):
        nums = cs.numbers_in("发放资料五万份，十二五期间")
        self.assertIn(Decimal(50000), nums)
        self.assertIn(Decimal(5), nums)        # value 5 with unit 万元
        self.assertIn(Decimal(12), nums)
        nums = cs.numbers_in("融资2.4亿元，１２３件，1,796件，1.2万人次")
        for n in ["2.4", "240000000", "123", "1796", "1.2", "12000"]:
            self.assertIn(Decimal(n), nums, n)
        self.assertIn(Decimal(10000), cs.numbers_in("收缴非法音像近万张"))
        self.assertIn(Decimal(100), cs.numbers_in("收集企业需求上百条"))


class Files(unittest.TestCase):
    def run_check(self, data_text, strict=False):
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "source.txt"
            src.write_text(SOURCE, encoding="utf-8")
            (Path(d) / "data").mkdir()
            (Path(d) / "data" / "x.toml").write_text(data_text, encoding="utf-8")
            old = os.environ.get("KAOHE_SOURCE")
            os.environ["KAOHE_SOURCE"] = str(src)
            cwd = os.getcwd()
            try:
                os.chdir(d)
                checker = cs.Checker(src, strict=strict)
                checker.check_file(Path(d) / "data" / "x.toml", "data/x.toml", True)
            finally:
                os.chdir(cwd)
                if old is None:
                    del os.environ["KAOHE_SOURCE"]
                else:
                    os.environ["KAOHE_SOURCE"] = old
            return checker

    def test_good(self):
        c = self.run_check(
            'id = "x"\n[period.2015]\n'
            'a = { value = 1796, source = "全年专利申请量1796件" }\n'
            'b = { value = 2, source = "授理专利案件两件" }\n'
            'c = { at_least = 16000, source = "检查商品16000余件" }\n'
            'd = { value = 120, source = "专利申请量达到一百二十件" }\n'
            'e = { value = 5, unit = "万元", source = "发放资料五万份" }\n'
            'f = { value = 26.0, source = "同比增长26%" }\n'
            'g = { missing = "blank", source = "结案率100%" }\n')
        self.assertEqual(c.failures, [])
        self.assertEqual(c.quotes, 7)

    def test_missing_quote(self):
        c = self.run_check('[period.2015]\na = { value = 1796, source = "专利申请量1796件；同比" }\n')
        self.assertEqual(len(c.failures), 1)
        self.assertIn("not found", c.failures[0])
        self.assertTrue(c.failures[0].startswith("data/x.toml:2:"))

    def test_quote_across_lines(self):
        c = self.run_check('[period.2015]\na = { missing = "x", source = "26%。\\n授理" }\n')
        self.assertEqual(len(c.failures), 1)

    def test_number_not_in_quote(self):
        c = self.run_check('[period.2015]\n\na = { value = 1797, source = "全年专利申请量1796件" }\n'
                           'b = { value = 3, source = "授理专利案件两件" }\n'
                           'c = { approx = 20, source = "一百二十件" }\n')
        self.assertEqual(len(c.failures), 3)
        self.assertIn("does not appear", c.failures[0])
        self.assertTrue(c.failures[0].startswith("data/x.toml:3:"))

    def test_strict_requires_source(self):
        c = self.run_check('[period.2015]\nas_of = 2015-11-30\na = 5\nb = { value = 5 }\n', strict=True)
        self.assertEqual(len(c.failures), 2)
        c = self.run_check('[period.2015]\na = 5\n')
        self.assertEqual(c.failures, [])


if __name__ == "__main__":
    unittest.main()
