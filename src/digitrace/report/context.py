"""Build context shared by atlas sections: data directory, language, inputs read."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class AtlasContext:
    """Mutable only while the atlas is being built (records the inputs read).

    Section builders call :meth:`src` for every data file they read so the
    manifest can hash it, and :meth:`t` for bilingual labels.
    """

    data_dir: Path
    lang: str = "zh"
    params: dict[str, Any] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)
    cache: dict[str, Any] = field(default_factory=dict)

    def src(self, relative: str) -> Path:
        """Path of a data file (relative to the data dir), recorded as an input."""
        p = self.data_dir / relative
        if not p.exists():
            from ..errors import DigitraceError

            raise DigitraceError(f"{p}: input file not found")
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file():
                    self.inputs.add(str(f.relative_to(self.data_dir)))
        else:
            self.inputs.add(relative)
        return p

    def t(self, zh: str, en: str) -> str:
        """Pick the label for the report language."""
        return zh if self.lang == "zh" else en

    def cached(self, key: str, fn):
        """Compute once per atlas build (sections share loaded tables)."""
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]
