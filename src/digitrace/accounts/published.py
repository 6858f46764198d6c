"""Published digital-economy figures that :meth:`DigitalAccounts.reconcile` compares against.

Every figure carries its source and the status label of
``docs/measurement-methods.md``: V = read in the named source, R = recalled,
I = inferred.  Levels are trillion yuan at the publisher's GDP vintage.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["published_figures", "CAICT_PENETRATION_2019"]

# CAICT 2019 digital-economy penetration by sector (white paper 2020) [V]
CAICT_PENETRATION_2019 = {1: 0.082, 2: 0.195, 3: 0.378}

_CAICT21 = "CAICT 中国数字经济发展白皮书 (2021), 2020 data"
_CAICT20 = "CAICT 中国数字经济发展白皮书 (2020), 2019 data"
_XW = "Xian Zude & Wang Tianqi (2022) 统计研究 39(1); textbook ch. 9 Table 9-2"
_NBS23 = "NBS 5th economic census bulletin (2023 data)"

# id, publisher, year, metric, value, unit, scope, status, source
_ROWS = [
    ("caict_2005_id_de", "CAICT", 2005, "id_share_de", 49.1, "%", "china", "V", "review citing CAICT series"),
    ("caict_2020_id_de", "CAICT", 2020, "id_share_de", 80.9, "%", "china", "V", _CAICT21),
    ("caict_2005_id_gdp", "CAICT", 2005, "id_share_gdp", 7.0, "%", "china", "I",
     "CAICT 2005 DE 14.2% of GDP × 49.1% (measurement-methods.md §0)"),
    ("caict_2020_id_gdp", "CAICT", 2020, "id_share_gdp", 31.2, "%", "china", "V", _CAICT21),
    ("caict_2020_id", "CAICT", 2020, "id", 31.7, "trn yuan", "china", "V", _CAICT21),
    ("caict_2020_de", "CAICT", 2020, "de", 39.2, "trn yuan", "china", "V", _CAICT21),
    ("caict_2019_id", "CAICT", 2019, "id", 28.8, "trn yuan", "china", "V", _CAICT20),
    ("caict_2019_di", "CAICT", 2019, "di", 7.1, "trn yuan", "china", "V", _CAICT20),
    ("caict_2019_id_gdp", "CAICT", 2019, "id_share_gdp", 29.0, "%", "china", "V", _CAICT20),
    ("caict_2019_global_id_de", "CAICT", 2019, "id_share_de", 84.3, "%", "global",
     "V", "CAICT 全球数字经济新图景 (2020): 47 countries"),
    *[(f"nbs_{y}_core_gdp", "NBS", y, "di_share_gdp", v, "%", "china", "V", _XW)
      for y, v in [(2012, 6.65), (2013, 6.66), (2014, 6.77), (2015, 6.87), (2016, 7.01),
                   (2017, 7.07), (2018, 7.27), (2019, 7.44), (2020, 7.84)]],
    ("nbs_2023_core_gdp", "NBS", 2023, "di_share_gdp", 9.9, "%", "china", "V", _NBS23),
    ("nbs_2023_core", "NBS", 2023, "di", 12.7555, "trn yuan", "china", "V", _NBS23),
    ("nbs_2023_share_03", "NBS", 2023, "di_mix_03", 43.6, "% of core", "china", "V", _NBS23),
    ("nbs_2023_share_01", "NBS", 2023, "di_mix_01", 33.8, "% of core", "china", "V", _NBS23),
    ("nbs_2023_share_04", "NBS", 2023, "di_mix_04", 19.4, "% of core", "china", "V", _NBS23),
    ("nbs_2023_share_02", "NBS", 2023, "di_mix_02", 3.2, "% of core", "china", "V", _NBS23),
    ("cainiu_2018_di", "Cai & Niu", 2018, "di", 7.3, "trn yuan", "china", "V", "Cai & Niu (2021) 中国社会科学 (11)"),
    ("cainiu_2018_id", "Cai & Niu", 2018, "id", 8.5, "trn yuan", "china", "V", "Cai & Niu (2021) 中国社会科学 (11)"),
    ("cainiu_2018_id_trad", "Cai & Niu", 2018, "id_share_noncore", 9.74, "% of traditional VA", "china", "V",
     "Cai & Niu (2021) 中国社会科学 (11)"),
    ("xuzhang_2017_de_gdp", "Xu & Zhang", 2017, "de_share_gdp", 6.46, "%", "china-narrow", "V",
     "Xu & Zhang (2020) 中国工业经济 (5), BEA-style narrow scope; textbook ch. 9"),
    ("bea_2021_de_gdp", "BEA", 2021, "de_share_gdp", 10.3, "%", "united-states", "V",
     "BEA digital economy satellite account, Nov 2022 vintage"),
]


def published_figures() -> pd.DataFrame:
    """The reference figures (id, publisher, year, metric, value, unit, scope, status, source)."""
    return pd.DataFrame(_ROWS, columns=["id", "publisher", "year", "metric", "value", "unit", "scope",
                                        "status", "source"])
