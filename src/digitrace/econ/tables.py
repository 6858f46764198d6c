"""Paper-style regression tables from any digitrace estimator.

:func:`regtable` reads the *table protocol* every econ result exposes
(``params``, ``se``, ``pvalues``, ``nobs``, ``r2``, ``dep_var``, ``fe_rows``,
``extra_rows``, ``model_name``; spatial results may add ``effects``).  The
frozen :class:`RegTable` keeps one string DataFrame (:meth:`RegTable.to_frame`)
from which Markdown, LaTeX, HTML, Word and Excel are all rendered, so every
format shows the same numbers.  Unlike ``pyfixest.etable`` every fixed-effect
dimension of every column gets its own "Yes/No" row.

Fixed-effect rows follow one convention: a result's ``fe_rows`` key is
``"<column> FE"`` with the user's own column name (``fe`` takes them from the
formula, ``threshold`` and ``did`` from ``entity``/``time``).  Results that only
know the *role* of a dimension (keys ``"Entity FE"``, ``"Unit FE"``,
``"Time FE"``, ``"Year FE"``, ``"Period FE"``, as the spatial panel models
report) are mapped to the entity/time columns recorded in their provenance, else
to ``panel=(entity, time)``, else to the one panel that the table's other
models declare.  So one table has one row per fixed-effect dimension across all
model types; ``fe_labels`` renames a dimension for display.
"""
from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._optional import require
from .._results import Provenance, check_option, to_markdown
from ..atomic import atomic_path, atomic_write_text
from ..errors import SpecificationError
from ._result_base import EconResult

Lang = Literal["zh", "en"]
Stat = Literal["se", "t"]

_TEXT = {
    "en": {"dep": "Dependent variable", "N": "N", "R2": "R² (overall)", "model": "Model",
           "se": "Standard errors in parentheses", "t": "t statistics in parentheses",
           "FE": " FE", "Yes": "Yes", "No": "No"},
    "zh": {"dep": "被解释变量", "N": "观测值", "R2": "R²（总体）", "model": "模型",
           "se": "括号内为标准误", "t": "括号内为 t 值",
           "FE": "固定效应", "Yes": "是", "No": "否"},
}


# Chinese labels for the protocol's English extra-row keys, SE cells and model names
# (regex, replacement); anything not listed is shown as the estimator wrote it.
_ZH_ROWS = ((r"^SE$", "标准误"), (r"^Threshold γ(\d+) \[(\S+)% CI\]$", r"门槛值 γ\1 [\2% 置信区间]"),
            (r"^F(\d+) \((\d+) vs (\d+)\)$", r"F\1（\2 对 \3 个门槛）"),
            (r"^Log-likelihood$", "对数似然值"), (r"^Lee-Yu correction$", "Lee-Yu 偏误校正"),
            (r"^Pre-trend F$", "平行趋势检验 F"), (r"^Bootstrap (\S+)% CI \(a·b\)$", r"自助法 \1% 置信区间 (a·b)"),
            (r"^speed θ$", "收敛速度 θ"), (r"^half-life$", "半衰期"), (r"^Within R²$", "组内 R²"),
            (r"^SE \(a·b\)$", "a·b 的标准误"), (r"^Regressor \(x\)$", "解释变量 (x)"),
            (r"^Mediator \(m\)$", "中介变量 (m)"), (r"^Moderator \(z\)$", "调节变量 (z)"),
            (r"^(∂.+) at (.+)$", r"\1（\2 处）"))
_ZH_SE = ((r"^cluster\((.+)\)$", r"聚类（\1）"), (r"^iid$", "同方差"), (r"^hetero$", "异方差稳健（HC1）"),
          (r"^White \(HC0\)$", "White 异方差稳健（HC0）"), (r"^ML \(observed information\)$", "ML（观测信息矩阵）"),
          (r"^ML \(expected information\)$", "ML（期望信息矩阵）"), (r"^Sobel \(delta method\)$", "Sobel（delta 法）"))
_EN_SE = ((r"^hetero$", "robust (HC1)"),)   # pyfixest's "hetero" is HC1, Stata's ", robust"
_ZH_VALUES = {"Lee-Yu correction": ((r"^none$", "无"), (r"^Lee-Yu \(Elhorst bc=1\)$", "Lee-Yu 偏误校正（Elhorst bc=1）"),
                                    (r"^transformation approach$", "Lee-Yu 变换法"),
                                    (r"^sigma2 ([TN])/\(([TN])-1\)$", r"σ²·\1/(\2−1)"))}
_ZH_MODELS = ((r"^FE$", "固定效应"), (r"^DID \(TWFE\)$", "DID（双向固定效应）"),
              (r"^Panel threshold \(Hansen 1999\)$", "面板门槛（Hansen 1999）"),
              (r"^Event study \((.*)\)$", r"事件研究（\1）"), (r"^Event study$", "事件研究"),
              (r"^Mediation$", "中介效应"), (r"^Moderation$", "调节效应"),
              (r"^(\w+) panel \(ML\)$", r"\1 空间面板（ML）"), (r"^(\w+) \(ML\)$", r"\1（ML）"))
# Rows whose *values* are variable names (renamed by coef_labels).
_VAR_VALUE_ROWS = ("Regressor (x)", "Mediator (m)", "Moderator (z)")
# Fixed coefficient names of mediation() in Chinese.
_ZH_TERMS = {"total effect (c)": "总效应（c）", "x→m (a)": "x→m（a）", "m→y (b)": "m→y（b）",
             "direct effect (c')": "直接效应（c′）", "indirect (a·b)": "间接效应（a·b）",
             "rho": "ρ", "lambda": "λ"}
_SYMBOLS = {"rho": "ρ", "lambda": "λ"}


_ZH_EFFECT = {"direct": "直接效应", "indirect": "间接效应", "total": "总效应"}


def _sub_names(text: str, rename: dict[str, str]) -> str:
    """Replace whole variable names inside ``text`` (longest first)."""
    if not rename:
        return text
    keys = sorted(map(str, rename), key=len, reverse=True)
    pat = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, keys)) + r")(?![\w])")
    return pat.sub(lambda m: str(rename[m.group(1)]), text)


def _term_label(term: str, rename: dict[str, str], lang: str) -> str:
    """Display label of a coefficient row.

    An exact ``coef_labels`` key wins.  Otherwise derived rows are labelled from
    their parts, so one ``coef_labels`` entry names every row of a variable:
    ``W_x`` (spatial lag) → ``W×<x>``, ``x (direct)`` → ``<x> (direct)`` /
    ``<x>（直接效应）``, threshold regime rows ``x (q≤0.5)`` → ``<x> (<q>≤0.5)``.
    """
    if term in rename:
        return str(rename[term])
    if lang == "zh" and term in _ZH_TERMS:
        return _ZH_TERMS[term]
    if term in _SYMBOLS:
        return _SYMBOLS[term]
    m = re.match(r"^(.*) \((direct|indirect|total)\)$", term)
    if m:
        base = _term_label(m.group(1), rename, lang)
        return f"{base}（{_ZH_EFFECT[m.group(2)]}）" if lang == "zh" else f"{base} ({m.group(2)})"
    m = re.match(r"^(.*) \((.*)\)$", term)
    if m:
        return f"{rename.get(m.group(1), m.group(1))} ({_sub_names(m.group(2), rename)})"
    if term.startswith("W_") and len(term) > 2:
        return f"W×{rename.get(term[2:], term[2:])}"
    return term


def _role_label(role: tuple[str, tuple[str, ...]], rename: dict[str, str], lang: str) -> str:
    """Label of a term a result declares by role (moderation's centred terms)."""
    kind, vars_ = role
    names = [str(rename.get(v, v)) for v in vars_]
    if kind == "centred":
        return f"{names[0]}（中心化）" if lang == "zh" else f"{names[0]} (centred)"
    return " × ".join(names)


def _translate_en(text: str, rules: Sequence[tuple[str, str]]) -> str:
    for pat, rep in rules:
        if re.match(pat, text):
            return re.sub(pat, rep, text)
    return text


def _translate(text: str, rules: Sequence[tuple[str, str]], lang: str) -> str:
    if lang != "zh":
        return text
    for pat, rep in rules:
        if re.match(pat, text):
            return re.sub(pat, rep, text)
    return text


@dataclass(frozen=True, repr=False, eq=False)
class RegTable(EconResult):
    """A rendered regression table; :meth:`to_frame` is the single source."""

    table: pd.DataFrame = field(repr=False)
    kinds: tuple[str, ...]            # per row: header|coef|stat|fe|extra|stats
    notes: str
    lang: str

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _headline(self) -> str:
        return f"{self.table.shape[1]} model(s), {sum(k == 'coef' for k in self.kinds)} coefficient row(s)"

    # ---- renderers -------------------------------------------------------
    def to_markdown(self) -> str:
        df = self.to_frame()
        df.index = [str(i) if i else " " for i in df.index]
        df.index.name = ""
        return to_markdown(df, index=True) + f"\n\n{self.notes}\n"

    def to_latex(self) -> str:
        df = self.to_frame()
        esc = _latex_escape
        ncol = df.shape[1]
        lines = [r"\begin{tabular}{l" + "c" * ncol + "}", r"\toprule",
                 " & " + " & ".join(esc(str(c)) for c in df.columns) + r" \\", r"\midrule"]
        prev = None
        for (lab, row), kind in zip(df.iterrows(), self.kinds):
            if prev in ("coef", "stat") and kind not in ("coef", "stat"):
                lines.append(r"\midrule")
            lines.append(esc(str(lab)) + " & " + " & ".join(esc(str(v)) for v in row) + r" \\")
            prev = kind
        lines += [r"\bottomrule", r"\multicolumn{%d}{l}{\footnotesize %s}\\" % (ncol + 1, esc(self.notes)),
                  r"\end{tabular}"]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        df = self.to_frame()
        head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in df.columns)
        body = []
        for (lab, row), kind in zip(df.iterrows(), self.kinds):
            cells = "".join(f"<td>{_html.escape(str(v))}</td>" for v in row)
            body.append(f"<tr class='{kind}'><th>{_html.escape(str(lab))}</th>{cells}</tr>")
        return ("<table class='digitrace-regtable'>\n<thead><tr><th></th>" + head + "</tr></thead>\n"
                "<tbody>\n" + "\n".join(body) + "\n</tbody>\n"
                f"<tfoot><tr><td colspan='{df.shape[1] + 1}'>{_html.escape(self.notes)}</td></tr></tfoot>"
                "\n</table>\n")

    def to_docx(self, path: str | Path) -> Path:
        """Write a Word table (python-docx), atomically."""
        docx = require("docx")
        df = self.to_frame()
        doc = docx.Document()
        t = doc.add_table(rows=df.shape[0] + 1, cols=df.shape[1] + 1)
        t.cell(0, 0).text = ""
        for j, c in enumerate(df.columns, 1):
            t.cell(0, j).text = str(c)
        for i, (lab, row) in enumerate(df.iterrows(), 1):
            t.cell(i, 0).text = str(lab)
            for j, v in enumerate(row, 1):
                t.cell(i, j).text = str(v)
        doc.add_paragraph(self.notes)
        with atomic_path(path) as tmp:
            doc.save(str(tmp))
        return Path(path)

    def to_excel(self, path: str | Path) -> Path:
        """Write an .xlsx sheet (openpyxl), atomically."""
        require("openpyxl")
        df = self.to_frame()
        with atomic_path(path) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                df.to_excel(xw, sheet_name="table")
                pd.DataFrame({"notes": [self.notes]}).to_excel(xw, sheet_name="notes", index=False)
        return Path(path)

    def save(self, path: str | Path) -> Path:
        """Write by extension: .md, .tex, .html, .docx, .xlsx or .csv."""
        p = Path(path)
        ext = p.suffix.lower()
        if ext == ".md":
            return atomic_write_text(p, self.to_markdown())
        if ext == ".tex":
            return atomic_write_text(p, self.to_latex())
        if ext in (".html", ".htm"):
            return atomic_write_text(p, self.to_html())
        if ext == ".docx":
            return self.to_docx(p)
        if ext == ".xlsx":
            return self.to_excel(p)
        if ext == ".csv":
            return atomic_write_text(p, self.to_frame().to_csv())
        raise SpecificationError(f"unknown table format {ext!r}; use .md, .tex, .html, .docx, .xlsx or .csv")


def _latex_escape(s: str) -> str:
    rep = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
           "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    out = "".join(rep.get(ch, ch) for ch in s)
    out = out.replace("*", r"$^{*}$").replace(r"$^{*}$$^{*}$", r"$^{**}$").replace(
        r"$^{**}$$^{*}$", r"$^{***}$")
    for ch, tex in (("²", r"$^2$"), ("≤", r"$\le$"), ("≥", r"$\ge$"), ("γ", r"$\gamma$"),
                    ("ρ", r"$\rho$"), ("λ", r"$\lambda$"), ("·", r"$\cdot$"), ("→", r"$\to$"),
                    ("∂", r"$\partial$")):
        out = out.replace(ch, tex)
    return out


def _get(res: Any, name: str, default: Any = None) -> Any:
    v = getattr(res, name, default)
    return default if v is None else v


def _stars(p: float, stars: Sequence[float]) -> str:
    if p is None or not np.isfinite(p):
        return ""
    return "*" * sum(p < s for s in stars)


_ENTITY_ROLES = ("Entity", "Unit", "Individual")
_TIME_ROLES = ("Time", "Year", "Period")


def _declared_panel(res: Any) -> tuple[str | None, str | None]:
    """(entity, time) column names a result records in its provenance, if any."""
    params = getattr(getattr(res, "provenance", None), "params", None) or {}
    ent = params.get("entity", params.get("unit"))
    tim = params.get("time")
    return (ent if isinstance(ent, str) else None, tim if isinstance(tim, str) else None)


def fe_dimensions(res: Any, panel: tuple[str, str] | None = None) -> dict[str, str]:
    """A result's ``fe_rows`` as ``{dimension: "Yes"|"No"}``, dimensions named by column.

    ``"adcode FE"`` → ``"adcode"``; role labels (``"Entity FE"``, ``"Time FE"``, ...)
    → the entity/time column the result records in its provenance, else
    ``panel``, else the role itself (``"Entity"``/``"Time"``).
    """
    rows = _get(res, "fe_rows", {}) or {}
    own_e, own_t = _declared_panel(res)
    ent = own_e or (panel[0] if panel else None)
    tim = own_t or (panel[1] if panel else None)
    prov_params = getattr(getattr(res, "provenance", None), "params", None) or {}
    columns = {str(c) for c in (*(getattr(res, "fixed_effects", None) or ()),     # fe(), mediation ...:
                                *(prov_params.get("fixed_effects") or ()))}     # their own FE columns
    out: dict[str, str] = {}
    for key, val in rows.items():
        dim = str(key)[:-3] if str(key).endswith(" FE") else str(key)
        if dim in columns:
            pass                              # a column that happens to be called "Year" stays "Year"
        elif dim in _ENTITY_ROLES:
            dim = ent or "Entity"
        elif dim in _TIME_ROLES:
            dim = tim or "Time"
        out[dim] = "Yes" if "Yes" in (str(val), out.get(dim)) else str(val)
    return out


def _table_panel(results: Sequence[Any]) -> tuple[str, str] | None:
    """The one (entity, time) pair the table's models declare, if they agree."""
    pairs = {p for p in map(_declared_panel, results) if p[0] and p[1]}
    return next(iter(pairs)) if len(pairs) == 1 else None  # type: ignore[return-value]


def _effect_rows(res: Any) -> list[tuple[str, float, float, float]]:
    """(label, estimate, se, p) for LeSage–Pace effects, when the result has them."""
    eff = getattr(res, "effects", None)
    if not isinstance(eff, pd.DataFrame) or getattr(res, "model", None) == "sem":
        return []   # SEM: direct = β, indirect = 0 by construction — nothing to add
    from scipy import stats as st

    rows = []
    for kind in ("direct", "indirect", "total"):
        if kind not in eff.columns:
            continue
        sec = next((c for c in (f"{kind}_se", f"se_{kind}", f"{kind} se") if c in eff.columns), None)
        pcol = f"{kind}_p" if f"{kind}_p" in eff.columns else None
        for var in eff.index:
            b = float(eff.loc[var, kind])
            se = float(eff.loc[var, sec]) if sec else float("nan")
            if pcol:
                p = float(eff.loc[var, pcol])
            else:
                p = float(2 * st.norm.sf(abs(b / se))) if np.isfinite(se) and se > 0 else float("nan")
            rows.append((f"{var} ({kind})", b, se, p))
    return rows


def regtable(results: Sequence[Any], labels: Sequence[str] | None = None, *, lang: Lang = "en",
             stat: Stat = "se", stars: Sequence[float] = (0.1, 0.05, 0.01), digits: int = 3,
             coef_labels: dict[str, str] | None = None, keep: Sequence[str] | None = None,
             effects: bool = True, panel: tuple[str, str] | None = None,
             fe_labels: dict[str, str] | None = None) -> RegTable:
    """Side-by-side table of estimates with stars, SE/t in parentheses, FE rows, N, R².

    Parameters
    ----------
    results : list
        Any objects following the table protocol (``fe``, ``did``, ``threshold``,
        ``mediation``, ``event_study``, spatial models ...).
    labels : list of str, optional
        Column headers; default ``(1)``, ``(2)``, ...
    lang : {"en", "zh"}
        Language of row labels and notes.
    stat : {"se", "t"}
        What goes in parentheses.
    stars : tuple of float
        p-value cut-offs for *, **, *** (default 0.1, 0.05, 0.01).
    coef_labels : dict, optional
        Rename coefficient rows and dependent variables (e.g. ``{"dig": "数字化水平"}``).
        A variable's name also labels its derived rows: spatial lags (``W×数字化水平``),
        LeSage–Pace effect rows and threshold regime rows (the threshold variable
        is renamed inside the regime condition too).  With ``lang="zh"`` the standard extra rows (SE type, thresholds, F tests,
        log-likelihood, ...) and model names are shown in Chinese.
    keep : list of str, optional
        Only these coefficients, in this order.
    effects : bool
        Add direct/indirect/total effect rows for results with ``.effects``.
    panel : (entity, time), optional
        Columns that role-labelled FE rows (``"Entity FE"``, ``"Time FE"``) stand
        for.  Default: the panel the table's models declare, if they agree.
    fe_labels : dict, optional
        Display names of FE dimensions, e.g. ``{"adcode": "Province"}`` gives the
        row ``"Province FE"`` (``"Province固定效应"`` with ``lang="zh"``) and the
        SE row ``cluster(Province)``.

    Returns
    -------
    RegTable
        One string DataFrame (:meth:`RegTable.to_frame`): coefficient and
        parenthesis rows, one Yes/No row per FE dimension (missing → No),
        extra rows (thresholds, F tests, log-likelihood ...), N, R², model.
    """
    check_option("lang", lang, ("zh", "en"))
    check_option("stat", stat, ("se", "t"))
    results = list(results)
    if not results:
        raise SpecificationError("regtable needs at least one result")
    stars = tuple(sorted(stars, reverse=True))
    for r in results:
        for attr in ("params", "se"):
            if not isinstance(getattr(r, attr, None), pd.Series):
                raise SpecificationError(f"{type(r).__name__} does not follow the table protocol "
                                         f"(missing Series .{attr})")
    T = _TEXT[lang]
    cols = list(labels) if labels is not None else [f"({i})" for i in range(1, len(results) + 1)]
    if len(cols) != len(results):
        raise SpecificationError(f"{len(cols)} labels for {len(results)} results")
    fmt = f"{{:.{digits}f}}"
    rename = coef_labels or {}

    # coefficient rows (+ effects)
    terms: list[str] = []
    eff_terms: list[str] = []
    per: list[dict[str, tuple[float, float, float]]] = []
    from scipy import stats as st

    for r in results:
        pv = getattr(r, "pvalues", None)
        d = {}
        for name in r.params.index:
            b, s = float(r.params[name]), float(r.se.get(name, np.nan))
            p = float(pv[name]) if isinstance(pv, pd.Series) and name in pv.index else \
                float(2 * st.norm.sf(abs(b / s))) if s and np.isfinite(s) else float("nan")
            d[str(name)] = (b, s, p)
            if str(name) not in terms:
                terms.append(str(name))
        if effects:
            for name, b, s, p in _effect_rows(r):
                d[name] = (b, s, p)
                if name not in eff_terms:
                    eff_terms.append(name)
        per.append(d)
    terms += [t for t in eff_terms if t not in terms]
    if keep is not None:
        missing = [k for k in keep if k not in terms]
        if missing:
            raise SpecificationError(f"keep: term(s) {missing} not in any result")
        terms = list(keep)
    term_roles = [dict(getattr(r, "term_roles", {}) or {}) for r in results]
    rows, kinds, index = [], [], []
    index.append(T["dep"])
    rows.append([rename.get(str(_get(r, "dep_var", "")), str(_get(r, "dep_var", ""))) for r in results])
    kinds.append("header")
    for t in terms:
        crow, srow = [], []
        for d in per:
            if t in d:
                b, s, p = d[t]
                crow.append(fmt.format(b) + _stars(p, stars))
                val = s if stat == "se" else (b / s if s else float("nan"))
                srow.append(f"({fmt.format(val)})" if np.isfinite(val) else "")
            else:
                crow.append("")
                srow.append("")
        role = next((roles[t] for roles in term_roles if t in roles), None)
        label = (rename[t] if t in rename else _role_label(role, rename, lang) if role
                 else _term_label(t, rename, lang))
        index += [label, ""]
        rows += [crow, srow]
        kinds += ["coef", "stat"]
    # FE rows: one per dimension, union across results; missing -> No
    panel = panel if panel is not None else _table_panel(results)
    dims = [fe_dimensions(r, panel) for r in results]
    fe_keys: list[str] = []
    for d in dims:
        fe_keys += [k for k in d if k not in fe_keys]
    fe_names = fe_labels or {}
    for k in fe_keys:
        rows.append([T.get(d.get(k, "No"), d.get(k, "No")) for d in dims])
        index.append(str(fe_names.get(k, k)) + T["FE"])
        kinds.append("fe")
    ex_keys: list[str] = []
    for r in results:
        ex_keys += [k for k in (_get(r, "extra_rows", {}) or {}) if k not in ex_keys]
    within = "Within R²" in ex_keys
    for k in [k for k in ex_keys if k != "Within R²"]:
        vals = [str((_get(r, "extra_rows", {}) or {}).get(k, "")) for r in results]
        if k == "SE" or k.startswith("SE "):   # cluster(<column>): the column as fe_labels show it
            vals = [_sub_names(v, {c: str(n) for c, n in fe_names.items()}) for v in vals]
            vals = [_translate(v, _ZH_SE, lang) if lang == "zh" else _translate_en(v, _EN_SE)
                    for v in vals]
        elif k in _VAR_VALUE_ROWS:
            vals = [str(rename.get(v, v)) for v in vals]
        elif k in _ZH_VALUES:
            vals = [_translate(v, _ZH_VALUES[k], lang) for v in vals]
        rows.append(vals)
        index.append(_translate(_sub_names(k, rename), _ZH_ROWS, lang))
        kinds.append("extra")
    rows.append([f"{int(_get(r, 'nobs', 0)):,}" if _get(r, "nobs") is not None else "" for r in results])
    index.append(T["N"])
    kinds.append("stats")
    r2s = [getattr(r, "r2", None) for r in results]
    if any(v is not None for v in r2s):
        rows.append([fmt.format(v) if v is not None and np.isfinite(v) else "" for v in r2s])
        index.append(T["R2"])
        kinds.append("stats")
    if within:   # directly under the overall R², never mixed with it
        rows.append([str((_get(r, "extra_rows", {}) or {}).get("Within R²", "")) for r in results])
        index.append(_translate("Within R²", _ZH_ROWS, lang))
        kinds.append("stats")
    rows.append([_translate(str(_get(r, "model_name", type(r).__name__)), _ZH_MODELS, lang) for r in results])
    index.append(T["model"])
    kinds.append("stats")
    table = pd.DataFrame(rows, index=pd.Index(index), columns=cols)
    star_note = ", ".join(f"{'*' * (i + 1)} p<{s:g}" for i, s in enumerate(stars))
    notes = f"{T[stat]}; {star_note}"
    prov = Provenance(method="digitrace.econ.regtable",
                      params=dict(labels=cols, lang=lang, stat=stat, stars=stars, digits=digits,
                                  panel=panel, fe_labels=fe_names),
                      inputs=tuple((f"result{i}", r.provenance.method)
                                   for i, r in enumerate(results) if hasattr(r, "provenance")))
    return RegTable(table=table, kinds=tuple(kinds), notes=notes, lang=lang, provenance=prov)
