"""Does a short label look like a person's name? Used on group labels (any file size) and on the
values of columns that are not cohort columns.

A heuristic, written to refuse the names a ward types (张伟, 王小明, 欧阳娜娜, Wei Zhang,
ZHANG Wei, Zhang, Wei, John Smith) while letting the labels a ward compares pass (高危, 维持治疗,
单倍型, 对照组, Sorafenib, No maintenance, High risk, Haplo donor, Arm A, AML MRD+):

- Chinese: a common surname (single or compound) followed by one or two characters, the whole
  label two to four characters, none of them a character of clinical group labels (组, 危, 疗,
  药, 期 ...) and the label no clinical word (主任, 医生 ...). A minority name with a middle dot.
- Latin letters: two or three words of letters only (an initial with a full stop allowed), none
  of them a word of clinical group labels or a drug; either one of them is a common Chinese
  surname in pinyin, or every word is capitalised as names are (Zhang, ZHANG).

Pure data and pure functions; nothing here keeps or prints the label.
"""

import re

#: Common Chinese surnames (the hundred or so most frequent single ones and the compound ones).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵"
    "苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "令狐",
    "慕容",
    "皇甫",
    "尉迟",
    "公孙",
    "夏侯",
    "端木",
    "南宫",
    "宇文",
    "长孙",
    "司徒",
    "司空",
    "呼延",
    "独孤",
    "西门",
)
#: Characters of clinical group labels that are rare in given names: a label holding one is
#: taken for a group (高危, 常规组, 周期, 单倍型, 化疗, 马法兰), not a name.
_CLINICAL_CHARACTERS = frozenset(
    "组危疗药案植治复发缓解诱巩固阳阴性突变型级否病症髓血胞移供倍配规标剂量照验臂例耐亚淋粒靶射"
    "持期法合素酶抗瘤癌术检测率阶段类"
)
_CLINICAL_WORDS = ("主任", "医生", "教授", "团队", "病区", "科室", "中心", "医院", "对照", "维持")
_HAN = r"[\u4e00-\u9fff]"
_CHINESE_LABEL = re.compile(rf"{_HAN}{{2,4}}")
_MINORITY_NAME = re.compile(rf"{_HAN}{{1,4}}[·•・]{_HAN}{{1,8}}")

#: Common Chinese surnames in pinyin (as written in passports and papers).
_PINYIN_SURNAMES = frozenset(
    """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
    liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai du ye
    cheng su wei lu ding ren shen yao cui zhong tan wan fan jin shi liao jia xia fu fang bai zou
    meng xiong qin qiu yin xue yan duan lei hou long tao li he gu mao hao gong shao qian wen kang
    niu ge xing qi qiao wu pang ni zhuang nie zhang yue zhai yin zhan shen ou geng guan lan jiao
    zuo gan zhu bao ning shang shu ruan ke ji mei tong ling bi dan pei huo tu miao gu sheng qu
    weng ran lu xin jin chai meng hua pu teng rao xie mou ai you yang mu nong zhuo jing dang
    gong fei bu leng yan xi mi bai zong qu gui quan tong ying zang min gou wu bian
    ouyang sima zhuge shangguan dongfang situ""".split()
)
#: Words of clinical group labels (lower case): a label holding one is a group, not a name.
_CLINICAL_VOCABULARY = frozenset(
    """risk high low standard intermediate favourable favorable adverse poor good arm group groups
    cohort maintenance control controls placebo donor donors sibling siblings matched mismatched
    unrelated related haplo haploidentical cord blood marrow peripheral auto allo allogeneic
    autologous transplant transplanted hct hsct bmt sct chemo chemotherapy induction
    consolidation relapse relapsed refractory remission yes no none other others unknown early
    late before after pre post dose doses reduced intensity myeloablative conditioning therapy
    treatment treated untreated drug drugs trial study centre center hospital hospitals
    university medical medicine institute clinic ward unit team site sites new old male female
    men women adult adults child children young younger older elderly age first second third
    line lines cycle cycles positive negative mutated mutation mutant wild type normal complex
    karyotype favourable bridge bridging salvage upfront frontline standard care best supportive
    observation observed watch wait regimen protocol intensive non low-dose high-dose
    period era year years month months day days week weeks phase stage cr cri mrd
    sorafenib midostaurin gilteritinib quizartinib venetoclax azacitidine decitabine cytarabine
    daunorubicin idarubicin imatinib dasatinib nilotinib ponatinib blinatumomab inotuzumab
    rituximab methotrexate mercaptopurine cyclophosphamide tacrolimus ciclosporin cyclosporine
    busulfan fludarabine melphalan thiotepa etoposide vincristine prednisone prednisolone
    dexamethasone asparaginase pegaspargase hydroxyurea arsenic tretinoin interferon ivosidenib
    enasidenib glasdegib olutasidenib revumenib ziftomenib lenalidomide thalidomide
    people's peoples general affiliated provincial municipal city county""".split()
)
_DRUG_ENDINGS = (
    "nib",
    "mab",
    "cept",
    "stat",
    "tide",
    "bine",
    "rubicin",
    "mycin",
    "platin",
    "toclax",
    "lisib",
    "degib",
    "fenib",
    "mide",
)
_WORD = re.compile(r"[A-Za-z][a-z'’-]+|[A-Z][A-Z'’-]+|[A-Z]\.")


def looks_like_person_name(label: str) -> bool:
    """True when `label` (one cell, stripped) looks like a person's name (see the module doc)."""
    text = label.strip()
    if not text or len(text) > 40 or any(character.isdigit() for character in text):
        return False
    if _CHINESE_LABEL.fullmatch(text):
        return _chinese_name(text)
    if _MINORITY_NAME.fullmatch(text):
        return True
    return _latin_name(text)


def _chinese_name(text: str) -> bool:
    if any(word in text for word in _CLINICAL_WORDS):
        return False
    compound = next((s for s in _COMPOUND_SURNAMES if text.startswith(s)), None)
    if compound is None and text[0] not in _SURNAMES:
        return False
    given = text[len(compound) :] if compound else text[1:]
    if any(character in _CLINICAL_CHARACTERS for character in given):
        return False
    return 1 <= len(given) <= 2


def _latin_name(text: str) -> bool:
    parts = re.split(r"[\s,]+", text.replace("，", ","))
    parts = [part for part in parts if part]
    if not 2 <= len(parts) <= 3 or not all(_WORD.fullmatch(part) for part in parts):
        return False
    words = [part.lower().strip(".") for part in parts]
    if any(word in _CLINICAL_VOCABULARY or word.endswith(_DRUG_ENDINGS) for word in words):
        return False
    full_words = [part for part in parts if not part.endswith(".")]
    if not full_words:
        return False
    if any(word in _PINYIN_SURNAMES for word in words):
        return True
    # Acronyms (AML, MRD, FLT3) are not names: an all-capital word counts only when long.
    return all(
        (part[0].isupper() and part[1:].islower())
        or (part.isupper() and len(part) >= 5)
        or part.endswith(".")
        for part in parts
    )
