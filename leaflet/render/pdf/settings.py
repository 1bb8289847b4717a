"""Which colour profile and output condition the print-shop edition uses: the bundled
ISO Coated v2 (FOGRA39), or the printer's own named in ``clinic.yaml``:

    print:
      press_profile: profiles/JapanColor2011Coated.icc
      press_condition: JC2011

Light to import (the build's plans name the profile as a dependency); the profile is
read and checked only when a press edition is rendered (``press_settings``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ... import guarded_read
from ...errors import HandoutError, line_of
from ...project import CLINIC_FILE, Project

BLEED_MM = 3.0
SETTINGS_KEY = "print"  # clinic.yaml: print: {press_profile: …, press_condition: …}
DEFAULT_PROFILE = "profiles/ISOcoated_v2_300_bas.icc"
DEFAULT_CONDITION = "FOGRA39"  # the characterisation ISO Coated v2 is built on


@dataclass(frozen=True)
class Press:
    profile: Path  # a CMYK ICC profile inside the project
    condition: str  # the OutputConditionIdentifier print shops read (FOGRA39, JC2011…)
    description: str  # the profile's own name
    root: Path  # the project: the stylesheets read for their colours are inside it
    data: bytes = field(default=b"", repr=False)  # the profile as read (embedded as it is)

    @property
    def profile_key(self) -> str:
        return str(self.profile)


def profile_path(project: Project) -> Path:
    """The press profile named in clinic.yaml (else the bundled one), not yet checked;
    with a clinic.yaml that cannot be read, the bundled one (the build says what is wrong)."""
    try:
        settings = project.clinic().get(SETTINGS_KEY)
    except HandoutError:
        settings = None
    named = settings.get("press_profile") if isinstance(settings, dict) else None
    return (project.root / str(named or DEFAULT_PROFILE)).resolve()


def press_settings(project: Project) -> Press:
    """The press profile and output condition from ``clinic.yaml``'s ``print:`` (the
    bundled ISO Coated v2 / FOGRA39 when not set); a wrong one is an error naming the line."""
    from PIL import ImageCms  # littlecms: only when a press edition is made

    clinic_file = project.root / CLINIC_FILE
    settings = project.clinic().get(SETTINGS_KEY) or {}
    text = guarded_read.text_or_empty(clinic_file, project.root)  # for the line of an error
    if not isinstance(settings, dict):
        raise HandoutError(CLINIC_FILE, line_of(text, f"{SETTINGS_KEY}:"),
                           f"{SETTINGS_KEY}: は「名前: 値」を字下げして書いてください",
                           "例:  print:\\n    press_profile: profiles/JapanColor2011Coated.icc")
    named = settings.get("press_profile")
    relative = str(named or DEFAULT_PROFILE)
    line = line_of(text, "press_profile:") if named else None
    where = CLINIC_FILE if named else relative
    path = profile_path(project)
    if not project.contains(path):
        raise HandoutError(where, line, f"印刷用プロファイル「{relative}」はプロジェクトの外です",
                           "profiles/ にファイルを置き、profiles/名前.icc と書いてください")
    if not path.is_file():
        raise HandoutError(where, line, f"印刷用プロファイル「{relative}」が見つかりません",
                           "印刷所から受け取った .icc ファイルを profiles/ に置き、その名前を書いてください")
    data = guarded_read.read_bytes(path, project.root, guarded_read.PROFILE_LIMIT)
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except (OSError, ImageCms.PyCMSError):
        raise HandoutError(where, line, f"「{relative}」は ICC プロファイルとして読めません",
                           "印刷所から受け取った .icc / .icm ファイルか確認してください") from None
    space = profile.xcolor_space.strip()
    if space != "CMYK":
        raise HandoutError(where, line, f"「{relative}」は CMYK のプロファイルではありません({space})",
                           "印刷所用 PDF には、印刷機の CMYK プロファイルが必要です")
    condition = str(settings.get("press_condition") or (DEFAULT_CONDITION if not named else path.stem))
    return Press(path, condition, profile.profile_description or path.stem, project.root, data)
