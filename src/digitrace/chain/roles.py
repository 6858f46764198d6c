"""Sector roles used by the chain-reshaping channels, for every IO vintage.

Roles: ``rnd`` (research, technical services, software and IT services: the R&D
channel), ``manufacturing``, ``trade`` (wholesale and retail), ``logistics``
(transport, storage, postal), and ``other``.

* NBS tables: by the Chinese product names (研究和试验发展, 专业技术服务, 科技推广,
  综合技术服务, 软件, 信息技术服务; 批发, 零售; 运输, 仓储, 邮政, 多式联运, 装卸搬运).
  Manufacturing is positional, as in GB/T 4754 section C: the sectors after the
  last mining sector (名称含 开采/采选/采盐/采矿, not 设备) and before the first electricity sector
  (含 "电力").
* OECD 45-sector tables (ISIC Rev. 4): by code (06–22 manufacturing, 26 trade,
  27–31 transport and postal, 35 IT and other information services and 38
  professional, scientific and technical activities for R&D).
"""
from __future__ import annotations

import pandas as pd

from ..errors import DigitraceError

MINING_KEYS = ("开采", "采选", "采盐", "采矿")
RND_KEYS = ("研究和试验发展", "专业技术服务", "科技推广", "综合技术服务", "科学研究", "软件", "信息技术服务")
TRADE_KEYS = ("批发", "零售")
LOGISTICS_KEYS = ("运输", "仓储", "邮政", "多式联运", "装卸搬运")

OECD_ROLES = {**{f"{i:02d}": "manufacturing" for i in range(6, 23)},
              "26": "trade", **{f"{i:02d}": "logistics" for i in range(27, 32)},
              "35": "rnd", "38": "rnd"}


def sector_roles(sectors: pd.DataFrame, unit: str = "") -> pd.Series:
    """Role of each sector (index = code) for an IOTable's ``sectors`` frame."""
    codes = list(sectors.index)
    if "USD" in unit or set(codes) <= set(OECD_ROLES) | {f"{i:02d}" for i in range(1, 46)} and len(codes) == 45:
        return pd.Series([OECD_ROLES.get(c, "other") for c in codes], index=sectors.index, name="role")
    names = sectors["name_zh"].fillna("").astype(str).tolist()
    elec = [i for i, n in enumerate(names) if "电力" in n]
    if not elec:
        raise DigitraceError("cannot locate the electricity sector (电力) to bound manufacturing; "
                             "pass roles explicitly")
    u = elec[0]
    mining = [i for i, n in enumerate(names[:u])
              if any(k in n for k in MINING_KEYS) and "设备" not in n]
    m = mining[-1] if mining else -1
    roles = []
    for i, n in enumerate(names):
        if m < i < u:
            roles.append("manufacturing")
        elif any(k in n for k in RND_KEYS):
            roles.append("rnd")
        elif any(k in n for k in TRADE_KEYS):
            roles.append("trade")
        elif any(k in n for k in LOGISTICS_KEYS):
            roles.append("logistics")
        else:
            roles.append("other")
    return pd.Series(roles, index=sectors.index, name="role")
