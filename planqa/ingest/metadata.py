"""Document metadata: the corpus manifest, and what can be read from a text without one."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from planqa.errors import PlanqaError

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
PERIODS = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_FIELDS = ("doc_id", "file", "title", "region", "level", "period", "years", "issuer", "doc_number", "date",
           "valid_until", "effective_date")


@dataclass
class DocMeta:
    """What the manifest (or inference from the text) says about one document."""

    doc_id: str
    file: str
    title: str | None = None
    region: str | None = None
    level: str | None = None
    period: str | None = None
    years: tuple[int, int] | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None  # 成文 date (else 印发 date), ISO
    valid_until: str | None = None  # last day of a stated 有效期, ISO
    effective_date: str | None = None  # 施行/实施 date, ISO

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocMeta:
        unknown = set(data) - set(_FIELDS) - {"notes"}
        if unknown:
            raise PlanqaError(f"corpus manifest entry {data.get('doc_id')!r} has unknown fields: {sorted(unknown)}")
        years = data.get("years")
        return cls(**{k: v for k, v in data.items() if k in _FIELDS and k != "years"},
                   years=tuple(years) if years else None)


def load_manifest(corpus_dir: Path) -> dict[str, DocMeta]:
    """Manifest entries by file name; an absent manifest is an empty one."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlanqaError(f"{path}: not valid JSON ({exc})") from exc
    entries = [DocMeta.from_dict(entry) for entry in data.get("documents", [])]
    ids = [e.doc_id for e in entries]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise PlanqaError(f"{path}: duplicate doc_id {sorted(duplicates)}")
    return {entry.file: entry for entry in entries}


# ------------------------------------------------------------------ inference
#
# Metadata read from a document's cleaned text (one paragraph per line), by the conventions of 公文
# layout: the head (红头 "X文件", 文号, title lines, "（2018年4月7日）"), the 落款 (organ line, date line),
# the 版记 ("X 2018年4月8日印发"), a 政府工作报告's opening ("我代表X人民政府", the meeting line), a
# standard's cover ("X标准", code, title lines, "X 发布"). Every search runs on bounded windows (the
# head, the text before the first attachment, the tail) or is one linear regex scan, so a 1 MB text
# costs milliseconds. File-declared values (``properties``, ``declared_title``) are used only for a
# field the text leaves empty, and never when they look like placeholders or name another document.

HEAD_CHARS = 4000
TAIL_CHARS = 2000

# Provincial-level divisions (full name, short name); the four 直辖市 are provincial-level cities.
_PROVINCES = (
    "河北省 河北,山西省 山西,辽宁省 辽宁,吉林省 吉林,黑龙江省 黑龙江,江苏省 江苏,浙江省 浙江,安徽省 安徽,"
    "福建省 福建,江西省 江西,山东省 山东,河南省 河南,湖北省 湖北,湖南省 湖南,广东省 广东,海南省 海南,"
    "四川省 四川,贵州省 贵州,云南省 云南,陕西省 陕西,甘肃省 甘肃,青海省 青海,台湾省 台湾,"
    "内蒙古自治区 内蒙古,广西壮族自治区 广西,西藏自治区 西藏,宁夏回族自治区 宁夏,新疆维吾尔自治区 新疆,"
    "香港特别行政区 香港,澳门特别行政区 澳门"
)
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# Prefecture-level divisions (地级市 and 自治州/地区/盟), by the stem used before 市/州/地区/盟: a fact
# table of the country's administrative divisions, used to tell a place name from a word ("杭州都市圈"
# is 杭州市's, "公园城市" names no 园城市) and to find the city of a report that says only "市".
_PREFECTURES = (
    "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 "
    "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善 "
    "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛 "
    "长春 吉林 四平 辽源 通化 白山 松原 白城 延边 "
    "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭 "
    "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 "
    "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 "
    "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 "
    "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 "
    "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 "
    "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 "
    "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 "
    "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 "
    "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西 "
    "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮 "
    "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左 "
    "海口 三亚 三沙 儋州 "
    "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山 "
    "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南 "
    "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆 "
    "拉萨 日喀则 昌都 林芝 山南 那曲 阿里 "
    "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 "
    "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南 "
    "西宁 海东 海北 黄南 果洛 玉树 海西 "
    "银川 石嘴山 吴忠 固原 中卫 "
    "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰"
).split()
_PROVINCE_FULL = {short: full for full, short in (pair.split() for pair in _PROVINCES.split(","))}
_PREFECTURE_SET = frozenset(_PREFECTURES)

_HAN = "\u4e00-\u9fff"
_WS = "[ \t\u3000\xa0]"
_TITLE_ENDINGS = (
    "政府工作报告|工作报告|实施方案|工作方案|行动方案|行动计划|实施意见|指导意见|管理办法|实施细则|工作要点|若干措施|"
    "规划|方案|计划|纲要|意见|办法|通知|决定|报告|细则|规定|措施|指南|标准|要求|条例|规则|准则|规范|指引|清单|"
    "目录|公告|通告|批复|决议|纪要|章程|导则|大纲|要点|政策|举措|白皮书|通用要求"
)
_TITLE_SUFFIX = r"(?:[（(][^（）()\n]{1,40}[）)])*"
_TITLE_LINE = re.compile(rf"^(?P<title>[^。；\n]{{2,110}}?(?:{_TITLE_ENDINGS}))(?P<suffix>{_TITLE_SUFFIX})$")
_HEADING_MARK = re.compile(r"^(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十百\d]+[章节条部篇]|"
                           r"\d+(?:\.\d+)*[、．.\s]|前\s*言$|目\s*[次录]$|序\s*言$|引\s*言$)")
_DOC_NUMBER = re.compile(rf"(?P<org>[{_HAN}]{{1,10}})\s*[〔\[［（(【]\s*(?P<year>(?:19|20)\d{{2}})\s*[〕\]］）)】]\s*"
                         r"(?P<no>\d{1,5})\s*号")
_DATE_AR = r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
_CN_DIGIT = "〇零○Ｏ0一二三四五六七八九"
_DATE_CN = rf"(?P<cy>[{_CN_DIGIT}]{{4}})\s*年\s*(?P<cm>[一二三四五六七八九十]{{1,2}})\s*月\s*(?P<cd>[一二三四五六七八九十]{{1,3}})\s*日"
_DATE = re.compile(rf"(?:{_DATE_AR}|{_DATE_CN})")
_ISO_DATE = re.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_DATE_LINE = re.compile(rf"^[（(]?\s*(?:{_DATE_AR}|{_DATE_CN})\s*[）)]?$")
_ORGAN_END = ("人民政府|人民代表大会常务委员会|中央|委员会|办公室|办公厅|秘书处|领导小组|小组|政府|委|局|厅|部|院|署|办|会|中心|"
              "公司|集团|管委会|处|所|站|社|行|党组|法院|检察院")
_ORGAN_LINE = re.compile(rf"^(?:[{_HAN}“”（）()·]{{2,60}}(?:{_ORGAN_END}))(?:{_WS}+[{_HAN}“”（）()·]{{2,60}}(?:{_ORGAN_END}))*$")
_NOTICE = re.compile(r"^(?P<issuer>.*?)关于(?P<verb>印发|转发|重新发布|发布|颁布|公布|下发|修订印发)(?P<x>.+?)的"
                     r"(?P<kind>通知|决定|公告|通告|函)$")
_REPOST_PREFIX = re.compile(r"^(?:[（(【\[]\s*(?:转载|转发|转自|转)\s*[）)】\]]\s*)+")
_DRAFT_SUFFIX = re.compile(r"[（(](?:第[一二三四五六七八九十\d]+稿|修改稿|讨论稿|送审稿|报批稿|定稿)[）)]")
_YEAR_RANGE = re.compile(r"(?P<a>(?:19|20)\d{2})\s*年?\s*(?:[-—–~～]+|至|到)\s*(?P<b>(?:19|20)\d{2})\s*年?")
_EXPORT_HEADER = re.compile(r"^(?:【法宝引证码】|【?原文链接|URL Source|Markdown Content|Published Time|Source[:：]|https?[:：]//|"
                            r"\*?\s*!?\[|!\[|\[|ICS\b|CCS\b|备案号|当前位置|您现在的位置|扫一扫)", re.I)
_PLACEHOLDER_LINE = re.compile(r"^(?:点击此处|单击此处|请在此处|Click here)|X{3,}|20XX", re.I)
_STANDARD_LINE = re.compile(rf"^(?:中华人民共和国)?[{_HAN}]{{0,12}}(?:国家|行业|地方|团体|企业)标准$")
_STANDARD_CODE = re.compile(r"^[A-Z]{1,4}\d{0,3}(?:/[A-Z]{1,2})?\s*[\dX]")
_MEETING = re.compile(rf"(?:[（(]|——|—)\s*(?:{_DATE_AR}|{_DATE_CN})\s*在(?P<place>[^）)\n]{{2,40}}?)(?:第[{_HAN}\d]{{1,6}}届)?"
                      r"人民代表大会(?:第[^）)\n]{1,8}次)?会议上(?:[）)]|$)", re.M)
_SPEAKER = re.compile(rf"^(?P<org>[{_HAN}]{{2,20}}?(?:人民政府|省|市|区|县|州|旗))代?(?:省|市|区|县|州|旗)长{_WS}*[{_HAN}·]{{2,5}}$")
_REPORT_OPENING = re.compile(rf"我代表(?P<org>[{_HAN}]{{0,20}}?人民政府)[，,]?{_WS}*向大会(?:作|做)?报告")
_REPORT_YEAR = re.compile(rf"(?:^|[\n。！；]|[一二三四五六七八九十]、){_WS}*(?P<y>(?:19|20)\d{{2}})年(?P<what>(?:政府)?工作回顾|"
                          r"主要工作回顾|工作安排|重点工作|主要任务|工作建议|政府工作的总体要求|经济社会发展的总体要求|"
                          r"发展主要预期目标)")
_EFFECTIVE = re.compile(r"本(?:[\u4e00-\u9fff]{0,8}?)(?:办法|通知|规定|方案|意见|细则|规则|制度|决定|措施|标准|条例|规划|计划|"
                        r"指引|指南|准则|规范)[^。；\n]{0,12}?自(?P<when>[^。；，,\n]{1,24}?)起(?:施行|实施|执行|生效|试行)"
                        r"(?P<rest>[^。\n]{0,40})")
_VALID_UNTIL = re.compile(rf"有效期(?:调整|延长|延续)?(?:至|到)\s*(?:{_DATE_AR}|{_DATE_CN})")
_VALID_YEARS = re.compile(r"有效期(?:为)?\s*(?P<n>\d{1,2}|[一二三四五六七八九十])\s*年")
_PRINTED = re.compile(rf"(?:{_DATE_AR}|{_DATE_CN})\s*印发")
_TARGET_YEAR = re.compile(r"(?<!展望)(?<!远景)(?:到|至)(?P<y>20\d{2})年(?:底|末)?[，,：:]?")
_PLAN_SPAN = re.compile(r"规划(?:期|期限|时限|年限)(?:为|是|：|:)?\s*(?P<a>(?:19|20)\d{2})\s*年?\s*(?:[-—–~～]+|至|到)\s*"
                        r"(?P<b>(?:19|20)\d{2})")
_NATIONAL_START = ("国务院", "国家", "中共中央", "中央", "全国", "中华人民共和国", "中国人民银行", "中国共产党中央")
_RELATIVE_START = ("省", "市", "区", "县", "州", "镇", "乡", "旗", "街道", "自治区", "本", "我", "各", "全")
_NATIONAL_ORGANS = (
    "工业和信息化部 工信部 教育部 科学技术部 科技部 外交部 国防部 公安部 民政部 司法部 财政部 人力资源和社会保障部 "
    "人力资源社会保障部 人社部 自然资源部 生态环境部 住房和城乡建设部 住房城乡建设部 交通运输部 水利部 农业农村部 商务部 "
    "文化和旅游部 退役军人事务部 应急管理部 审计署 海关总署 中国证券监督管理委员会 中国证监会 中国民用航空局 民航局"
).split()
_JUNK_VALUES = re.compile(r"^(?:标准名称|文档标题|无标题|untitled|title|document\d*|microsoft\s*word.*|administrator|admin|user|"
                          r"sky|author|作者|用户|\W*)$|替换图片|模板|[-—]{2}|^·.*·$|\.(?:docx?|pdf|wps)$", re.I)
_NAME_ONLY = re.compile(r"^[A-Za-z0-9_ .-]{1,20}$")


def _norm(s: str) -> str:
    """A line with its outer whitespace (also full-width and no-break spaces) and markdown marks removed."""
    s = s.strip(" \t\r\u3000\xa0\u2002\u2003")
    s = re.sub(r"^#{1,6}\s+", "", s)
    if s.startswith("**") and s.endswith("**") and len(s) > 4:
        s = s[2:-2].strip()
    return s


def _squeeze(s: str) -> str:
    """Spaces next to digits and brackets dropped ("唐发〔2018〕10 号" → "唐发〔2018〕10号", "2018 年 4 月"
    → "2018年4月"); a space between two words stays (it separates joint issuers: "中共中央 国务院")."""
    marks = rf"[{_HAN}\d〔〕\[\]（）()“”《》]"
    return re.sub(rf"(?<=[\d〔〕\[\]（）()])[ \t\u3000\xa0]+(?={marks})|(?<={marks})[ \t\u3000\xa0]+(?=[\d〔〕\[\]（）()])",
                  "", s)


def _cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 三十一 → 31."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if "十" not in s:
        return digits.get(s, 0)
    tens, _, ones = s.partition("十")
    return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)


def _date_of(match: re.Match[str]) -> str | None:
    """ISO date of a date match (Arabic or Chinese numerals), or None when it is not a real date."""
    groups = match.groupdict()
    if groups.get("y"):
        y, m, d = int(groups["y"]), int(groups["m"]), int(groups["d"])
    elif groups.get("cy"):
        table = {c: str(i % 10) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0", "0": "0"}
        y = int("".join(table.get(c, "0") for c in groups["cy"]))
        m, d = _cn_number(groups["cm"]), _cn_number(groups["cd"])
    else:
        return None
    try:
        return date(y, m, d).isoformat() if 1949 <= y <= 2100 else None
    except ValueError:
        return None


def _first_date(s: str) -> str | None:
    for match in _DATE.finditer(s):
        found = _date_of(match)
        if found:
            return found
    return None


def _doc_number_parts(match: re.Match[str]) -> tuple[str, int]:
    """A 文号 in its canonical form (〔〕 brackets, no spaces) and where its organ code starts; a code
    that ran into the words before it ("…的通知包府办发") is cut after the last of those words."""
    org = re.split(r"(?:的|关于|印发|转发|通知|文件|按照|根据|依据|和|及|、|发布)", match.group("org"))[-1]
    start = match.end("org") - len(org)
    return (f"{org}〔{match.group('year')}〕{match.group('no')}号" if org else ""), start


def _own_doc_numbers(s: str) -> list[str]:
    """文号 in ``s`` that are not citations of another document (a 文号 right after 《…》 is the cited one's)."""
    numbers = []
    for match in _DOC_NUMBER.finditer(s):
        number, start = _doc_number_parts(match)
        if number and not re.search(r"[》〉]", s[max(0, start - 2):start]):
            numbers.append(number)
    return numbers


def _place_prefix(name: str) -> tuple[str | None, str | None, int]:
    """The place a name starts with, its level and how many characters of ``name`` it covers:
    广州市天河区教育局 → (广州市天河区, 区, 6); 安徽省推进… → (安徽省, 省, 3); 中共唐山市委 → (唐山市,
    地级市, 5); 杭州都市圈… → (杭州市, 地级市, 2)."""
    s = re.sub(r"^(?:中共|中国共产党)", "", name)
    offset = len(name) - len(s)
    region, level, pos = "", None, 0
    for short in sorted(_PROVINCE_FULL, key=len, reverse=True):
        full = _PROVINCE_FULL[short]
        if s.startswith(full):
            region, level, pos = full, "省", len(full)
        elif s.startswith(short) and not s.startswith(short + "市"):  # 吉林市 is the city
            region, level, pos = full, "省", len(short) + (1 if s[len(short):len(short) + 1] == "省" else 0)
        if region:
            break
    else:
        for city in _MUNICIPALITIES:
            if s.startswith(city):
                region, level = city + "市", "直辖市"
                pos = len(city) + (1 if s[len(city):len(city) + 1] == "市" else 0)
                break
    rest = s[pos:]
    stems = sorted((p for p in _PREFECTURES if rest.startswith(p)), key=len, reverse=True)
    if stems and level != "直辖市":
        stem = stems[0]
        suffix = re.match(rf"市|[{_HAN}]{{0,8}}?自治州|州|地区|盟", rest[len(stem):])
        suffix_text = suffix.group(0) if suffix else ""
        region += stem + (suffix_text or "市")
        level = "地级市" if suffix_text in ("", "市") else ("州" if "州" in suffix_text else suffix_text)
        pos += len(stem) + len(suffix_text)
    elif level != "直辖市":
        generic = re.match(rf"([{_HAN}]{{2,4}}?)(市|自治州|盟)(?![场民])", rest)
        if generic and not re.search(r"[城都全本我各该的和与及在对为是了省市区县]", generic.group(1)):
            region += generic.group(0)
            level = "市" if generic.group(2) == "市" else ("州" if "州" in generic.group(2) else generic.group(2))
            pos += len(generic.group(0))
    county = re.match(rf"([{_HAN}]{{1,5}}?)(区|县|旗|市)(?![场民])", s[pos:])
    if county:
        stem = county.group(1)
        # not an organ's or a topic's words ("…信息区", "示范区"), not 市委's 委
        plausible = (not re.match(r"[委局府厅办部院署会]", stem)
                     and not re.search(r"(?:办公|委员|管理|发展|建设|改革|信息|保障|资源|服务|科技|政府|经济|示范|开发|城乡|自贸)", stem)
                     and not re.search(r"[城都全本我各该的和与及在对为是了省社园景片新贸范]$|^[城新老市全各本]", stem)
                     and (region or (county.group(2) in "区县旗" and len(stem) <= 3)))
        if plausible:
            region += county.group(0)
            level = {"区": "区", "县": "县", "旗": "旗", "市": "市"}[county.group(2)]
            pos += len(county.group(0))
    return (region or None), (level if region else None), (offset + pos if region else 0)


def _is_national(issuer: str) -> bool:
    """A national organ: 国务院…, 国家…局, 中共中央…, or a 部/委/局/署 with no place name and no
    relative prefix (市委宣传部 is a city's)."""
    first = re.split(r"[、，,\s]", issuer.strip())[0]
    if not first:
        return False
    if first.startswith(_NATIONAL_START) or first in _NATIONAL_ORGANS:
        return True
    if _place_prefix(first)[0] or first.startswith(_RELATIVE_START):
        return False
    return bool(re.fullmatch(rf"[{_HAN}]{{2,16}}(?:部|委员会|委|总局|局|署|办公厅|银行)", first))


def _split_issuers(issuer: str) -> list[str]:
    """Joint issuers: "A局 B局", "A局、B局", or run together ("广州市医疗保障局广州市财政局", split
    where the first issuer's place name recurs right after an organ ending)."""
    out: list[str] = []
    for part in (p for p in re.split(rf"(?:{_WS}|[、，,])+", issuer.strip()) if p):
        place, _, length = _place_prefix(part)
        offset = len(part) - len(re.sub(r"^(?:中共|中国共产党)", "", part))
        written = part[offset:length] if place else ""
        start = 0
        if len(written) >= 2:
            for match in re.finditer(re.escape(written), part):
                cut = match.start() - (2 if part[max(0, match.start() - 2):match.start()] == "中共" else 0)
                if cut > start and re.search(rf"(?:{_ORGAN_END})$", part[start:cut]):
                    out.append(part[start:cut])
                    start = cut
        out.append(part[start:])
    return [p for p in out if p]


def _join_issuers(issuer: str) -> str:
    return "、".join(_split_issuers(issuer))


def _looks_like_organ(s: str) -> bool:
    s = _squeeze(s)
    return bool(_ORGAN_LINE.match(s)) and len(s) <= 120 and not _DATE.search(s) and not _DOC_NUMBER.search(s)


def _trusted_declared(value: str | None, opening: str) -> str | None:
    """A file-declared title, unless it is a placeholder or names another document (its key
    words do not occur in the text's opening)."""
    if not value:
        return None
    value = _norm(value)
    if not value or _JUNK_VALUES.search(value) or _NAME_ONLY.match(value) or len(re.findall(f"[{_HAN}]", value)) < 4:
        return None
    core = re.sub(rf"[^{_HAN}A-Za-z0-9]", "", _REPOST_PREFIX.sub("", value))
    bigrams = {core[i:i + 2] for i in range(len(core) - 1)}
    squeezed = re.sub(rf"[^{_HAN}A-Za-z0-9]", "", opening)
    if not bigrams or sum(b in squeezed for b in bigrams) < 0.6 * len(bigrams):
        return None
    return value


@dataclass
class _Head:
    """The head of a text split into lines, and where its body starts."""

    lines: list[str]
    body_start: int  # index of the first body line (salutation, sentence, heading)
    one_line: bool
    md_title: str | None = None


def _read_head(text: str) -> _Head:
    head = text[:HEAD_CHARS]
    raw_lines = head.split("\n")
    if len(head) == HEAD_CHARS and len(raw_lines) > 1:
        raw_lines = raw_lines[:-1]  # the last line may be cut
    lines, md_title = [], None
    for raw in raw_lines:
        line = _norm(raw)
        if not line or raw.startswith("\t"):
            continue
        title_header = re.match(r"^Title\s*[:：]\s*(.+?)(?=URL Source|Markdown Content|Published Time|$)", line)
        if title_header:  # a web-to-markdown capture's page title, less its " - site name"
            md_title = re.split(r"\s+[-–—|_]\s+(?=[^-–—|_]{2,30}$)", title_header.group(1).strip())[0]
            if len(raw_lines) > 1:
                continue
        if _EXPORT_HEADER.match(line) or (line.isascii() and not re.search(r"\d{4}", line) and len(lines) < 30
                                          and not _DOC_NUMBER.search(line)):
            continue
        lines.append(line)
    body_start = len(lines)
    for i, line in enumerate(lines):
        if ("。" in line or "；" in line or line.endswith(("：", ":")) or len(line) > 120
                or _HEADING_MARK.match(line)) and not _DATE_LINE.match(_squeeze(line)):
            body_start = i
            break
    one_line = head.count("\n") < 3 and len(head) > 150
    return _Head(lines, body_start, one_line, md_title)


_FIELD_LABEL = re.compile(rf"^[{_HAN}]{{2,6}}[:：]")  # "标题：…", "发布机构：…": a metadata box's field


def _title_like(line: str) -> re.Match[str] | None:
    line = _squeeze(line)
    if _HEADING_MARK.match(line) or _FIELD_LABEL.match(line):
        return None
    if _DATE.search(line[:14]) and not re.match(r"^(?:19|20)\d{2}年[^月]", line):  # a date line, not "2026年…方案"
        return None
    return _TITLE_LINE.match(line)


def _fragment(line: str) -> bool:
    """A line that can be the first part of a title wrapped over two lines."""
    s = _squeeze(line)
    return (len(s) <= 80 and not re.search(r"[。；：:]", s) and not _DATE.search(s) and not _DOC_NUMBER.search(s)
            and not s.endswith("文件") and not _PLACEHOLDER_LINE.search(s)
            and (bool(re.search(r"(?:关于|印发|的|和|及|与|《|“|、)$", s)) or s.count("《") > s.count("》")
                 or s.count("（") > s.count("）") or ("关于" in s and not _title_like(s))))


def _standard_title(lines: list[str]) -> tuple[str | None, str | None]:
    """Title and issuer of a standard's cover: the Chinese lines after the "X标准" line (and its code
    line) up to the English title, a placeholder or the 发布 line; the issuer from "X 发布"."""
    at = next((i for i, line in enumerate(lines[:20]) if _STANDARD_LINE.match(_squeeze(line))), None)
    if at is None:
        return None, None
    parts, issuer, i = [], None, at + 1
    while i < len(lines) and i < at + 4 and _STANDARD_CODE.match(lines[i]):
        i += 1
    for line in lines[i:i + 8]:
        s = _squeeze(line)
        han = len(re.findall(f"[{_HAN}]", s))
        if han < max(2, len(s) * 0.4) or _PLACEHOLDER_LINE.search(s) or _DATE.search(s) or s.startswith(("（", "(")):
            break
        parts.append(line.strip())
    for line in lines[at:at + 30]:
        released = re.match(rf"^(?P<org>[{_HAN}、\s]{{2,60}}?){_WS}*发布$", line)
        if released and _looks_like_organ(released.group("org").strip()):
            issuer = _join_issuers(released.group("org"))
            break
    return (" ".join(parts) if parts else None), issuer


def _top_title(head: _Head) -> tuple[str | None, list[str]]:
    """The title block of the head (before the body starts): the first title-like line, joined with a
    wrapped first part or with the organ lines above a "关于…" line; and those organ lines."""
    lines = head.lines[:head.body_start]
    for j, line in enumerate(lines):
        if not _title_like(line):
            continue
        title, organs = _squeeze(line), []
        k = j - 1
        if title.startswith("关于"):
            while k >= 0 and _looks_like_organ(lines[k]) and not lines[k].endswith("文件"):
                organs.insert(0, _squeeze(lines[k]))
                k -= 1
            if organs:
                title = " ".join(organs) + title
        elif k >= 0 and _fragment(lines[k]):
            title = _squeeze(lines[k]) + title
        for nxt in lines[j + 1:j + 3]:  # "（2021-2023年）" / "（征求意见稿）" on the next line
            if re.fullmatch(rf"[（(][^（）()]{{1,30}}[）)]", _squeeze(nxt)) and not _DATE.search(nxt) \
                    and not _DOC_NUMBER.search(nxt):
                title += _squeeze(nxt)
            else:
                break
        return title, organs
    for j in range(1, len(lines)):  # a title whose second line alone is no title ("…的通知")
        if _fragment(lines[j - 1]) and not _title_like(lines[j - 1]):
            joined = _squeeze(lines[j - 1]) + _squeeze(lines[j])
            if _TITLE_LINE.match(joined):
                return joined, []
    return None, []


_LEAD_JUNK = re.compile(
    rf"^(?:\s+|【法宝引证码】\s*[A-Za-z0-9.\-]+|【?原文链接】?[:：]?\s*|https?[:：]//[^{_HAN}\s]+|"
    rf"Title\s*[:：].*?(?=URL Source|Markdown Content|$)|(?:URL Source|Markdown Content)\s*[:：]\s*[^{_HAN}]*|"
    rf"[{_HAN}]{{2,30}}?文件(?=[{_HAN}]{{1,10}}\s*[〔\[［（(]\s*\d{{4}})|"
    rf"[（(]?[{_HAN}]{{1,10}}\s*[〔\[［]\s*\d{{4}}\s*[〕\]］]\s*\d{{1,5}}\s*号[）)]?|[（(]?\s*(?:{_DATE_AR})\s*[）)]?)")


def _strip_lead(flat: str) -> str:
    """A text without line breaks less what precedes its title: export headers, URLs, the red
    header "X文件", a leading 文号 or date."""
    for _ in range(12):
        match = _LEAD_JUNK.match(flat)
        if not match or not match.group(0):
            break
        flat = flat[match.end():]
    return flat


def _one_line_title(head: str) -> str | None:
    """Title of a text with no line breaks: the text from its start up to the first title ending
    that is outside 《》 and （）, with the parenthesised parts that follow it."""
    if re.match(r"^(?:前\s*言|目\s*[录次]|为|根据|按照|各|现将|各位)", head):
        return None
    depth = 0
    ends = re.compile(_TITLE_ENDINGS)
    i = 0
    limit = min(len(head), 120)
    while i < limit:
        ch = head[i]
        if ch in "《（(":
            depth += 1
        elif ch in "》）)":
            depth = max(0, depth - 1)
        elif ch in "。；：:，":
            return None
        elif depth == 0:
            match = ends.match(head, i)
            if match and i >= 2:
                end = match.end()
                after = head[end:]
                if after.startswith("的") or after[:1] in "、和及与":
                    i += 1
                    continue
                if re.search(r"关于(?:印发|转发|重新发布|发布|颁布|公布|下发)", head[:end]) and \
                        not re.search(r"(?:通知|决定|公告|通告|函)$", head[:end]):
                    i = end  # a notice's title ends with 的通知, not with the name of what it issues
                    continue
                suffix = re.match(rf"(?:[（(](?![^（）()]*\d{{4}}\s*年\s*\d{{1,2}}\s*月)[^（）()\n]{{1,40}}[）)])*", after)
                return head[:end] + (suffix.group(0) if suffix else "")
        i += 1
    return None


def _clean_title(title: str) -> tuple[str, str | None]:
    """A title without repost prefix, draft-version suffix or 文号 in parentheses (returned apart),
    with a period name's lost closing quote put back (“十四五规划 → “十四五”规划)."""
    title = _REPOST_PREFIX.sub("", title.strip())
    number = None
    paren = re.search(rf"[（(](?P<n>[^（）()]*〔\d{{4}}〕[^（）()]*号)[）)]$", _squeeze(title).replace("[", "〔").replace("]", "〕"))
    if paren:
        found = _own_doc_numbers(paren.group("n"))
        number = found[0] if found else None
        title = re.sub(r"[（(][^（）()]*[〔\[［]\s*\d{4}\s*[〕\]］][^（）()]*号[）)]$", "", _squeeze(title)).strip()
    title = _DRAFT_SUFFIX.sub("", title).strip()
    title = re.sub(r"“(十[一二三四五]五)(?=[规计纲发])", r"“\1”", title)
    return title, number


def _unwrap_notice(title: str) -> tuple[str, str | None, str | None]:
    """关于印发《X》的通知 → (X, issuer of the notice, verb); other titles unchanged."""
    match = _NOTICE.match(title)
    if not match:
        return title, None, None
    x = match.group("x").strip()
    quoted = re.fullmatch(r"《(.+)》", x)
    if quoted and "》" not in quoted.group(1):
        x = quoted.group(1)
    elif "《" in x:
        inner = re.search(r"《([^《》]+)》", x)
        if inner and re.match(rf"^[{_HAN}]{{0,30}}(?:{_ORGAN_END})?$", x[:x.index("《")]):
            x = inner.group(1)
    issuer = match.group("issuer").strip() or None
    return x, issuer, match.group("verb")


def _title_line_like(target: str, lines: list[str]) -> str | None:
    """The wrapped document's own title line if the head has one: same words, its own 《》 and quotes."""
    key = re.sub(rf"[^{_HAN}A-Za-z0-9]", "", target)
    for line in lines:
        if len(line) < 120 and re.sub(rf"[^{_HAN}A-Za-z0-9]", "", line) == key:
            return _squeeze(line)
    return None


def _issued_title(head_text: str) -> str | None:
    """《X》 named as the document a notice's body issues ("现将《X》印发给你们", "制定了《X》，现印发"),
    not any 《…》 the first paragraph cites."""
    for match in re.finditer(r"《([^《》\n]{4,100})》", head_text[:1500]):
        before = head_text[max(0, match.start() - 8):match.start()]
        after = head_text[match.end():match.end() + 40]
        issues = re.search(r"(?:现将|制定了?|修订了?|研究制定了?)$", before) or re.match(
            r"[^。\n]{0,36}?(?:印发给你们|发给你们|现予印发|予以印发|现印发|重新发布)", after)
        if issues and re.search(f"(?:{_TITLE_ENDINGS})" + r"(?:[（(][^）)]*[）)])*$", match.group(1)):
            return match.group(1)
    return None


def _signature(lines: list[str], start: int = 0) -> tuple[str | None, str | None]:
    """The first 落款 from ``start``: a date line (the 成文 date) and the organ line(s) above it."""
    for i in range(start, len(lines)):
        s = _squeeze(lines[i])
        if not _DATE_LINE.match(s) or s.startswith(("（", "(")) and i <= 1:
            continue
        found = _first_date(s)
        if not found:
            continue
        organs = []
        k = i - 1
        while k >= 0 and len(organs) < 4 and _looks_like_organ(lines[k]):
            organs.insert(0, _squeeze(lines[k]))
            k -= 1
        return found, (_join_issuers(" ".join(organs)) if organs else None)
    return None, None


def _signature_inline(s: str) -> tuple[str | None, str | None]:
    """A 落款 in a text without line breaks: an organ name (after a sentence end) running into a date
    that is not part of a sentence ("…贯彻执行。江门市科学技术局2023年11月10日江门市…")."""
    for match in _DATE.finditer(s):
        found = _date_of(match)
        after = s[match.end():match.end() + 2]
        if not found or re.match(r"[，,、前起以至到—\-开后止及和或内印召发上]|$", after):
            continue
        before = s[max(0, match.start() - 80):match.start()]
        piece = re.sub(r"^(?:主动公开|依申请公开|不予公开)", "", re.split(r"[。！：:；.]", before)[-1].strip())
        organ = _trailing_organ(piece)
        if before.rstrip().endswith(("。", "：", ":")) or organ:
            return found, organ
    return None, None


def _trailing_organ(piece: str) -> str | None:
    """The organ name(s) a run of text ends with, when nothing separates them from the words before
    them: the longest ending that is organ names each naming its place once."""
    for start in range(max(0, len(piece) - 70), len(piece) - 3):
        candidate = piece[start:]
        if not (candidate.startswith(_NATIONAL_START) or _place_prefix(candidate)[0]) or not _looks_like_organ(candidate):
            continue
        parts = _split_issuers(candidate)
        places = [_place_prefix(part)[0] for part in parts]
        if all(place and part.count(re.sub(r"(市|省|区|县)$", "", place)[:2]) == 1 for part, place in zip(parts, places)) \
                or all(_is_national(part) for part in parts):
            return "、".join(parts)
    return None


def _attachment_window(text: str) -> str:
    """The text before the first attachment heading ("附件1" alone on its line), where a notice's
    落款 sits when attachments follow it."""
    match = re.search(r"\n[ \t\u3000]*附\s*件\s*[\d一二三四五六七八九十]*[ \t\u3000]*[:：]?[ \t\u3000]*\n", text[HEAD_CHARS // 2:])
    if not match:
        return ""
    end = HEAD_CHARS // 2 + match.start()
    return text[max(0, end - TAIL_CHARS):end]


def _near_title(text: str, title: str | None) -> list[str]:
    """The few lines after the title's own line in a web capture, where the page date sits (the
    title line may come after a long navigation block, beyond the head window)."""
    if not title:
        return []
    for match in re.finditer(re.escape(title), text[:50_000]):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        if _norm(text[line_start:line_end if line_end >= 0 else len(text)]) == title:
            return [_norm(x) for x in text[match.end():match.end() + 800].split("\n")[1:12] if _norm(x)]
    return []


def _properties(properties: dict[str, Any] | None) -> dict[str, str]:
    """File-declared values by lower-case key, placeholders and non-strings dropped."""
    out = {}
    for key, value in (properties or {}).items():
        if value is None:
            continue
        value = str(value).strip()
        if value and not _JUNK_VALUES.search(value) and not re.search(r"X{2,}|20XX", value, re.I):
            out[str(key).lower().replace(" ", "_")] = value
    return out


def _property_date(value: str | None) -> str | None:
    """A date from a property value: 2021-12-21, 2021年12月21日, PDF D:20211221…; None otherwise."""
    if not value:
        return None
    pdf = re.match(r"^D?:?((?:19|20)\d{2})(\d{2})(\d{2})", value)
    if pdf:
        try:
            return date(int(pdf.group(1)), int(pdf.group(2)), int(pdf.group(3))).isoformat()
        except ValueError:
            return None
    iso = re.search(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})", value)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
        except ValueError:
            return None
    return None


def _dominant_place(text: str) -> tuple[str | None, str | None]:
    """The place a document is about when nothing names it formally: the prefecture (or "X市") named
    most often, if it is named at least 3 times and 1.5 times as often as any other (a county-level
    city's plan names its prefecture often too)."""
    counts: dict[str, int] = {}
    for match in re.finditer("市(?![场民政值面井容区级县属直域辖长])", text[:200_000]):
        for size in (2, 3):  # a place before 市 is 2 or 3 characters; a word's scattered ones do not add up
            stem = text[max(0, match.start() - size):match.start()]
            if (len(stem) == size and re.fullmatch(f"[{_HAN}]+", stem) and stem not in _PREFECTURE_SET
                    and not re.search(r"[城都全本我各该的和与及在对为是了省市区县超上门集夜股楼闹花强大型级点范内跨外同异地个]", stem)):
                counts[stem + "市"] = counts.get(stem + "市", 0) + 1
    window = text[:200_000]
    # a place written "X市" at least twice counts every time it is named, with or without 市
    # (a verb before 市场… is no place: its "X市" is a small share of its uses)
    counts = {name: bare for name, n in counts.items() if n >= 2
              for bare in [window.count(name[:-1])] if n >= 0.25 * bare}
    pattern = re.compile("|".join(sorted(_PREFECTURES, key=len, reverse=True)))
    for match in pattern.finditer(window):
        name = match.group(0) + "市"
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    log.debug("places named: %s", ranked[:5])
    if not ranked or ranked[0][1] < 3 or (len(ranked) > 1 and ranked[0][1] < 1.5 * ranked[1][1]):
        return None, None
    return _place_prefix(ranked[0][0])[:2]


def infer_meta(doc_id: str, file: str, text: str, declared_title: str | None = None,
               properties: dict[str, Any] | None = None) -> DocMeta:
    """Metadata for a document that has no manifest entry, read from its cleaned text."""
    return infer_meta_explained(doc_id, file, text, declared_title, properties)[0]


def infer_meta_explained(doc_id: str, file: str, text: str, declared_title: str | None = None,
                         properties: dict[str, Any] | None = None) -> tuple[DocMeta, dict[str, str]]:
    """``infer_meta`` and, for each field it filled, where the value came from (``head``, ``落款``,
    ``印发``, ``report``, ``derived``, ``properties``…), for a report or a form to show."""
    head = _read_head(text)
    head_text = text[:HEAD_CHARS]
    flat = _squeeze(head_text)
    tail = text[-TAIL_CHARS:]
    tail_lines = [_norm(x) for x in tail.split("\n")[(1 if len(text) > TAIL_CHARS else 0):]
                  if _norm(x) and not x.startswith("\t")]
    props = _properties(properties)
    source: dict[str, str] = {}

    title = doc_number = issuer = date_ = None
    title_issuer_lines: list[str] = []
    verb = None

    # title ------------------------------------------------------------------------------
    standard_title, standard_issuer = _standard_title(head.lines)
    if standard_title:
        title, source["title"] = standard_title, "standard cover"
    if not title and not head.one_line:
        title, title_issuer_lines = _top_title(head)
        if title:
            source["title"] = "head"
    if not title and head.one_line:
        standard = re.search(r"(?:国家|行业|地方|团体|企业)标准\s*[A-Z]{1,4}\d{0,3}(?:/[A-Z]{1,2})?\s*[\dX]+[\s—\-.\dX]*"
                             r"(?P<t>[^A-Za-z]{4,80}?)(?=[A-Z][a-z]|[（(]本稿|\d{4}|20XX)", flat[:600])
        if standard:
            title, source["title"] = standard.group("t").strip(), "standard cover (no line breaks)"
        elif not head.md_title:
            title = _one_line_title(_REPOST_PREFIX.sub("", _strip_lead(flat)))
            if title:
                source["title"] = "head (no line breaks)"
    if not title and head.md_title and _trusted_declared(head.md_title, head_text):
        title, source["title"] = head.md_title, "page title"
    if not title:
        title = _issued_title(flat)
        if title:
            source["title"] = "《》 the notice issues"
    if not title and not head.one_line and head.lines:
        # a web article: its headline is the first line, with the page's date line right below it
        first = head.lines[0]
        below = [re.sub(r"[!！]?\[[^\]]*\][（(][^）)]*[）)]|[_*\s]", "", x) for x in head.lines[1:4]]
        if (len(first) <= 60 and not re.search(r"[。；：:，]", first) and not _HEADING_MARK.match(first)
                and any(_ISO_DATE.fullmatch(x) or re.match(r"^(?:发布时间|发布日期|时间|日期|来源)[:：]", x) for x in below)):
            title, source["title"] = first, "page headline"
    if not title and not head.one_line:
        for line in head.lines[:60]:
            if _HEADING_MARK.match(line):
                break
            match = _title_like(line)
            if match and not line.startswith(("《", "各", "为", "根据")) and "《" not in line[:1]:
                title, source["title"] = _squeeze(line), "title line"
                break
    notice_issuer = None
    if title:
        title, doc_number = _clean_title(title)
        wrapped, notice_issuer, verb = _unwrap_notice(title)
        if verb:
            title = _title_line_like(wrapped, head.lines) or wrapped
            source["title"] += f" (the document the notice {verb}s)"

    # issuer -----------------------------------------------------------------------------
    if notice_issuer:
        issuer, source["issuer"] = _join_issuers(notice_issuer), "title"
    elif title and "关于" in title and not verb:
        prefix = title.split("关于")[0].strip()
        if prefix and _looks_like_organ(prefix.replace(" ", "")) or title_issuer_lines:
            issuer, source["issuer"] = _join_issuers(" ".join(title_issuer_lines) or prefix), "title"
    elif title:
        for organ in sorted(_NATIONAL_ORGANS, key=len, reverse=True):
            if title.startswith(organ):
                issuer, source["issuer"] = organ, "title"
                break
        national = re.match(rf"^((?:国务院|国家)[{_HAN}]{{1,10}}?(?:总局|局|委员会|署|办公厅))", title)
        if not issuer and national:
            issuer, source["issuer"] = national.group(1), "title"
    if not issuer and standard_issuer:
        issuer, source["issuer"] = standard_issuer, "standard cover"

    # 文号 ---------------------------------------------------------------------------------
    if not doc_number and not head.one_line:
        # a line that is only the 文号 (maybe in parentheses or after 文号：) in the head block
        for line in head.lines[:max(head.body_start, 1) + 2][:15]:
            s = re.sub(r"^(?:发文字号|发文文号|文号|发文号)[:：]\s*", "", _squeeze(line))
            if re.fullmatch(rf"[（(]?\s*(?:{_DOC_NUMBER.pattern})\s*[）)]?", s):
                found = _own_doc_numbers(s)
                if found:
                    doc_number, source["doc_number"] = found[0], "head"
                    break
    if not doc_number and head.one_line:  # no lines: the first 文号 before the body's first sentence ends
        found = _own_doc_numbers(flat.split("。")[0][:400])
        if found:
            doc_number, source["doc_number"] = found[0], "head (no line breaks)"

    # dates ------------------------------------------------------------------------------
    printed = None  # the 版记's 印发 date: the last one of the tail, else of the head
    for window in (tail, flat):
        matches = list(_PRINTED.finditer(_squeeze(window)))
        if matches:
            printed = _date_of(matches[-1])
            break
    if not head.one_line:
        for line in head.lines[:max(head.body_start, 1) + 1][:12]:  # "（2018年4月7日）" under the title
            s = _squeeze(line)
            if re.fullmatch(rf"[（(]\s*(?:{_DATE_AR}|{_DATE_CN})\s*[）)]", s):
                date_, source["date"] = _first_date(s), "under the title"
                break
    if not date_ and head.one_line:
        under = re.search(rf"[（(]\s*(?:{_DATE_AR}|{_DATE_CN})\s*[）)]", _strip_lead(flat)[:300])
        if under:
            date_, source["date"] = _date_of(under), "under the title"
    meeting = _MEETING.search(flat)
    if not date_ and meeting:
        date_, source["date"] = _date_of(meeting), "meeting line"
    if not date_:
        if head.one_line:
            inline_date, inline_issuer = _signature_inline(flat)
            if inline_date:
                date_, source["date"] = inline_date, "落款"
                if not issuer and inline_issuer:
                    issuer, source["issuer"] = inline_issuer, "落款"
        else:
            for where, lines, start in (("落款", head.lines, 1),
                                        ("落款", [_norm(x) for x in _attachment_window(text).split("\n")[1:] if _norm(x)], 0),
                                        ("落款", tail_lines, 0)):
                found, organs = _signature(lines, start)
                if found:
                    date_, source["date"] = found, where
                    if not issuer and organs:
                        issuer, source["issuer"] = organs, where
                    break
    if not date_:
        drafted = re.search(rf"完成日期[:：]?\s*(?:{_DATE_AR}|{_DATE_CN})", flat)
        if drafted:
            date_, source["date"] = _date_of(drafted), "draft date"
    if not date_:  # a disclosure box left in the text: its 成文日期 (not its 发布日期, a repost's date)
        labelled = re.search(rf"(?:^|\n)成文日期[:：]\s*(?:{_DATE_AR}|{_DATE_CN}|(?P<iso>(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}))", flat)
        if labelled:
            date_ = labelled.group("iso") or _date_of(labelled)
            source["date"] = "成文日期 field"
    if not date_ and printed:
        date_, source["date"] = printed, "印发"
    if not date_ and head.lines:  # a web page's date line ("2025-01-01" beside the title)
        near = _near_title(text, title)
        for line in (near or head.lines[:80]):
            bare = re.sub(r"[!！]?\[[^\]]*\][（(][^）)]*[）)]|[_*\s]", "", line)
            iso = _ISO_DATE.search(bare)
            if iso and len(bare) < 30 and "/" not in bare:
                try:
                    date_ = date(int(iso.group("y")), int(iso.group("m")), int(iso.group("d"))).isoformat()
                    source["date"] = "page date"
                    break
                except ValueError:
                    continue

    # issuer from the other places a 公文 names it ---------------------------------------
    if not issuer and not head.one_line:
        for line in head.lines[:6]:
            header = re.fullmatch(rf"(?P<org>[{_HAN}\s、]{{2,60}}?){_WS}*文件", _squeeze(line))
            if header and _looks_like_organ(header.group("org")):
                issuer, source["issuer"] = _join_issuers(header.group("org")), "header"
                break
    report = _REPORT_OPENING.search(flat) or (re.search(r"向大会报告", flat) and re.search("我代表", flat))
    speaker = next((m for m in (_SPEAKER.match(_squeeze(x)) for x in head.lines[:8]) if m), None)
    if not issuer and speaker:
        org = speaker.group("org")
        issuer, source["issuer"] = (org if org.endswith("人民政府") else org + "人民政府"), "speaker line"
    if not issuer and isinstance(report, re.Match) and _place_prefix(report.group("org"))[0]:
        issuer, source["issuer"] = report.group("org"), "我代表"
    if not issuer:
        compiled = re.search(rf"编制单位[:：]\s*(?P<org>[{_HAN}“”（）()、\s]{{2,60}}?)(?=\n|{_DATE_AR}|$)", head_text)
        if compiled and _looks_like_organ(compiled.group("org").strip()):
            issuer, source["issuer"] = _join_issuers(compiled.group("org")), "编制单位"
    if not issuer and tail:
        for match in _PRINTED.finditer(_squeeze(tail)):
            before = _squeeze(tail)[max(0, match.start() - 40):match.start()]
            organ = re.split(r"[\n。：:；）)]", before)[-1].strip()
            organ = re.sub(r"^(?:主动公开|依申请公开|不予公开)", "", organ)
            if _looks_like_organ(organ):
                issuer, source["issuer"] = _join_issuers(organ), "印发"

    # region and level -------------------------------------------------------------------
    region = level = None
    if issuer:
        if _is_national(issuer):
            region, level = "全国", "国家"
        else:
            region, level = _place_prefix(_split_issuers(issuer)[0])[:2]
        if region:
            source["region"] = "issuer"
    if not region and title:
        region, level = _place_prefix(re.sub(r"^(?:19|20)\d{2}年(?:度)?", "", title.lstrip("“\"")))[:2]
        if region:
            source["region"] = "title"
    if not region and meeting:
        region, level = _place_prefix(meeting.group("place"))[:2]
        if region:
            source["region"] = "meeting line"
    if not region:
        region, level = _dominant_place(text)
        if region:
            source["region"] = "most named place"
    if report and not issuer and region and region != "全国":
        issuer, source["issuer"] = region + "人民政府", "derived (report of the city the text names)"

    # 施行 and 有效期 ---------------------------------------------------------------------------
    effective = valid_until = None
    effect = _EFFECTIVE.search(text)
    if effect:
        when = _squeeze(effect.group("when"))
        explicit = _first_date(when)
        if explicit:
            effective = explicit
        elif re.search(r"印发|发布|公布", when) and verb != "重新发布":  # a re-issued text keeps its own
            effective = printed or date_
        rest = _squeeze(effect.group("rest"))
        years_match = _VALID_YEARS.search(rest)
        until = _VALID_UNTIL.search(rest)
        if until:
            valid_until = _date_of(until)
        elif years_match and effective:
            n = int(years_match.group("n")) if years_match.group("n").isdigit() else _cn_number(years_match.group("n"))
            start = date.fromisoformat(effective)
            try:
                valid_until = (start.replace(year=start.year + n) - timedelta(days=1)).isoformat()
            except ValueError:  # 29 February
                valid_until = (start.replace(year=start.year + n, day=28)).isoformat()
        if effective:
            source["effective_date"] = "本…自…起施行"
    if not valid_until:
        for window in (flat, _squeeze(tail)):
            until = _VALID_UNTIL.search(window)
            if until:
                valid_until = _date_of(until)
                break
    if valid_until:
        source["valid_until"] = "有效期"

    # period and years -------------------------------------------------------------------
    period = years = None
    if title:
        named = next((name for name in PERIODS if name in title), None)
        span = _YEAR_RANGE.search(title)
        if named:
            period, years = named, PERIODS[named]
        elif span and int(span.group("a")) <= int(span.group("b")):
            years = (int(span.group("a")), int(span.group("b")))
            period = f"{years[0]}–{years[1]}"
        else:
            single = re.match(r"^(?:[^0-9]{0,20}?)((?:19|20)\d{2})年(?:度)?(?![0-9]|[—\-至到~～])", title)
            if single and not re.search(r"\d{1,2}月", title[single.end():single.end() + 4]):
                year = int(single.group(1))
                period, years = str(year), (year, year)
        if period:
            source["period"] = "title"
    if not period and report:
        year_of = meeting and _date_of(meeting)
        if year_of:
            year = int(year_of[:4])
        else:
            heading = _REPORT_YEAR.search(text[:HEAD_CHARS]) or _REPORT_YEAR.search(text)
            year = None
            if heading:
                year = int(heading.group("y")) + (1 if "回顾" in heading.group("what") else 0)
        if year:
            period, years, source["period"] = str(year), (year, year), "report year"
            if not title or title == "政府工作报告":
                title = f"{year}年{region if region and region != '全国' else ''}政府工作报告"
                source["title"] = "derived (government work report: year and place from the text)"
    if not period:
        span = _PLAN_SPAN.search(flat)
        opening = flat
        if span:
            years = (int(span.group("a")), int(span.group("b")))
            period = next((n for n, y in PERIODS.items() if y == years and n in opening), f"{years[0]}–{years[1]}")
            source["period"] = "规划期"
        else:  # a plan whose opening speaks of its 十四五规划 (the most named one)
            plan_named = [n for n in PERIODS if re.search(f"{n}[”\"]?规划", opening)]
            if plan_named and (not title or re.search("规划|纲要", title)):
                name = max(plan_named, key=opening.count)
                period, years, source["period"] = name, PERIODS[name], "opening"
    if not period and valid_until:
        start_year = int((effective or date_ or valid_until)[:4])
        end_year = int(valid_until[:4])
        if start_year <= end_year:
            period, years, source["period"] = f"{start_year}–{end_year}", (start_year, end_year), "有效期"

    if not period:
        start_year = int(date_[:4]) if date_ else None
        targets = sorted({int(m.group("y")) for m in _TARGET_YEAR.finditer(text[:20_000])})
        if start_year:
            targets = [y for y in targets if start_year < y <= start_year + 10]
        if targets and start_year:
            period, years, source["period"] = f"{start_year}–{targets[-1]}", (start_year, targets[-1]), "到YYYY年 targets"
    # file-declared values, only for what the text left empty ------------------------------
    if not title:
        trusted = _trusted_declared(declared_title, head_text) or _trusted_declared(props.get("title"), head_text)
        if trusted:
            title, number = _clean_title(trusted)
            doc_number = doc_number or number
            wrapped, notice_issuer, verb = _unwrap_notice(title)
            title, source["title"] = wrapped, "file properties"
            if notice_issuer and not issuer:
                issuer, source["issuer"] = _join_issuers(notice_issuer), "file properties"
    if not issuer:
        declared = props.get("issuer") or props.get("author")
        place = declared and _place_prefix(declared)[0]
        if declared and _looks_like_organ(declared) and (_is_national(declared) or (
                place and re.sub(r"(省|市|区|县)$", "", place)[:2] in head_text + tail)):
            issuer, source["issuer"] = _join_issuers(declared), "file properties"
    if not doc_number and props.get("doc_number"):
        found = _own_doc_numbers(_squeeze(props["doc_number"]))
        if found:
            doc_number, source["doc_number"] = found[0], "file properties"
    if not date_:
        # A declared document date; a file's creation time only when nothing in the text dates it.
        declared = _property_date(props.get("date"))
        if not declared and not years:
            declared = _property_date(props.get("created") or props.get("creationdate"))
        if declared:
            date_, source["date"] = declared, "file properties"
    if not valid_until and _property_date(props.get("valid_until")):
        valid_until, source["valid_until"] = _property_date(props.get("valid_until")), "file properties"
    if not region and issuer:
        region, level = ("全国", "国家") if _is_national(issuer) else _place_prefix(issuer)[:2]
        if region:
            source["region"] = "issuer"

    meta = DocMeta(doc_id=doc_id, file=file, title=title, region=region, level=level, period=period, years=years,
                   issuer=issuer, doc_number=doc_number, date=date_, valid_until=valid_until, effective_date=effective)
    log.debug("inferred %s: %s (%s)", file, meta, source)
    return meta, source


_GENERIC_TITLE_WORDS = re.compile(
    rf"(?:关于|印发|进一步|加快|推进|推动|促进|加强|深入|全面|实施|建设|发展|工作|管理|若干|有关|的|和|与|及|暨|"
    rf"[“”\"《》〈〉（）()·、，\s]|(?:19|20)\d{{2}}年(?:度)?|(?:19|20)\d{{2}}\s*[-—–~～至]\s*(?:19|20)\d{{2}}年?|"
    rf"{_TITLE_ENDINGS}|十[一二三四五]五|领域|试行|暂行|征求意见稿)")


def naming_words(meta: DocMeta) -> list[str]:
    """Words a user may name this document by: the title's topic words (能源, 科技创新, 工业互联网…,
    what is left once region, period, document-type endings and generic verbs are taken out), the
    issuer, region, level and period."""
    words: list[str] = []
    title = meta.title or ""
    if meta.region and meta.region != "全国":
        for part in re.findall(rf"[{_HAN}]+?(?:省|自治区|市|区|县|旗|州|盟)", meta.region) or [meta.region]:
            title = title.replace(part, " ")
            title = title.replace(re.sub(r"(省|自治区|市|区|县|旗|州|盟)$", "", part), " ")
    for issuer in _split_issuers(meta.issuer or ""):
        title = title.replace(issuer, " ")
    for chunk in _GENERIC_TITLE_WORDS.split(title):
        chunk = chunk.strip()
        if len(chunk) >= 2 and chunk not in words:
            words.append(chunk)
    for value in (*_split_issuers(meta.issuer or ""), meta.region, meta.level, meta.period):
        if value and value not in words:
            words.append(value)
    return words


def doc_id_for(file_name: str) -> str:
    """A readable id from a file name: lower-case ASCII words; for a name with Chinese (or other
    non-ASCII) characters, its ASCII words plus a hash of the whole name, so 规划2021.txt and
    方案2021.txt do not both become "2021"; "doc-" and a hash when no ASCII word is left."""
    from planqa.records import content_hash

    stem = Path(file_name).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if len(slug) >= 3 and stem.isascii():
        return slug
    if len(slug) >= 3:
        return f"{slug[:40].strip('-')}-{content_hash(stem, length=6)}"
    return "doc-" + content_hash(stem, length=10)
