"""Which colour profile and output condition the print-shop edition uses: the bundled
ISO Coated v2 (FOGRA39), or the printer's own named in ``clinic.yaml`` (``print:`` is a
map in its schema, ``templates/_clinic.yaml``; its keys are checked here):

    print:
      press_profile: profiles/JapanColor2011Coated.icc
      press_condition: JC2011

Light to import (the build's plans name the profile as a dependency); the profile is
read and checked only when a press edition is rendered (``press_settings``).
"""

from __future__ import annotations

import difflib
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
KEYS = ("press_profile", "press_condition")


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
    from ...source.clinic import load_clinic  # YAML: only once a press edition is planned

    try:
        settings = load_clinic(project).get(SETTINGS_KEY)
    except HandoutError:
        settings = None
    named = settings.get("press_profile") if isinstance(settings, dict) else None
    return (project.root / str(named or DEFAULT_PROFILE)).resolve()


def press_settings(project: Project) -> Press:
    """The press profile and output condition from ``clinic.yaml``'s ``print:`` (the
    bundled ISO Coated v2 / FOGRA39 when not set); a wrong one is an error naming the line."""
    from PIL import ImageCms  # littlecms: only when a press edition is made

    from ...source.clinic import load_clinic

    clinic_file = project.root / CLINIC_FILE
    settings = load_clinic(project).get(SETTINGS_KEY) or {}  # a map: the schema says so
    text = guarded_read.text_or_empty(clinic_file, project.root)  # for the line of an error
    for key in settings:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1, cutoff=0.6)
            guess = f"「{close[0]}」の書き間違いではありませんか。" if close else ""
            raise HandoutError(CLINIC_FILE, line_of(text, f"{key}:"),
                               f"{SETTINGS_KEY}: に「{key}」という項目はありません",
                               f"{guess}使える項目: {', '.join(KEYS)}")
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
