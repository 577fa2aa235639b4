"""Names read, not spelt: Chinese (word-level Pinyin), Japanese, Korean (RR, McCune-Reischauer,
usual family-name spellings, Hanja), Hebrew, Thai, Burmese; translated generic words; and the
general name-pair rules of issue 17's follow-up (name part replaced, legal-form kind, one-sided
numbers, countries, apostrophes)."""

from __future__ import annotations

import pytest

from olivebranch.match import DEFAULT_THRESHOLD, Query, compare
from olivebranch.match.names import analyze
from olivebranch.match.readings import hangul_readings, korean_pattern, pinyin, segment


def score(a: str, b: str, schema: str = "Person") -> float:
    return compare(Query(a, schema=schema), Query(b, schema=schema))[0]


def test_pinyin_reads_words_not_characters() -> None:
    # 长 alone is often "zhang"; in the word 长江 it is "chang"
    assert pinyin("长江") == "changjiang"
    assert pinyin("银行") == "yinhang"
    assert segment("长江远航物流有限公司", "org").split()[-1] == "有限公司"
    assert segment("欧阳修", "person").split() == ["欧阳", "修"]


@pytest.mark.parametrize("latin,native,schema", [
    ("Changjiang Yuanhang Wuliu Co., Ltd.", "长江远航物流有限公司", "Company"),
    ("HUAXIN CHUANWU YOUXIAN GONGSI", "华信船务有限公司", "Company"),
    ("Deng Xiaoping", "邓小平", "Person"),
    ("Xiaoping Deng", "邓小平", "Person"),
    ("Ouyang Xiu", "欧阳修", "Person"),
    ("Zeng Guofan", "曾国藩", "Person"),  # 曾 read as a family name (not ceng)
])
def test_chinese_names_meet_their_pinyin(latin: str, native: str, schema: str) -> None:
    assert score(latin, native, schema) >= 0.9, (latin, native)


def test_chinese_legal_form_is_a_legal_form() -> None:
    form = analyze("长江远航物流有限公司", "org")
    assert "cn_gs" in form.legal_ids
    assert [t.text for t in form.tokens][:2] == ["长江", "远航"]
    # another place name with the same trade is another company
    assert score("Dongfang Yuanhang Wuliu Co., Ltd.", "长江远航物流有限公司", "Company") < DEFAULT_THRESHOLD


@pytest.mark.parametrize("latin", ["Park Chung Hee", "Park Chung-hee", "Pak Chong-hui",
                                   "Bak Jeonghui", "Chung Hee Park", "PARK CHUNGHEE"])
def test_korean_name_in_every_usual_romanisation(latin: str) -> None:
    assert score(latin, "박정희") >= DEFAULT_THRESHOLD, latin


def test_korean_romanisation_systems() -> None:
    assert hangul_readings("정희")[:2] == ("jeonghui", "chonghui")
    assert "rhee" in hangul_readings("이", family=True)
    assert korean_pattern(("최", "룡", "해")).fullmatch("choeryonghae")
    assert not korean_pattern(("최", "룡", "해")).fullmatch("choeryongsu")


def test_hanja_read_in_korean_and_japanese() -> None:
    assert score("Kim Jong Un", "金正恩") >= DEFAULT_THRESHOLD
    assert score("Kim Il Sung", "金日成") >= DEFAULT_THRESHOLD
    assert score("Shinzo Abe", "安倍晋三") >= DEFAULT_THRESHOLD
    assert score("Hitachi Seisakusho", "日立製作所", "Company") >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("latin,native", [
    ("Linda Park", "박지성"), ("Karen Kim", "김영희"), ("Kim Jong Un", "김영수"),
    ("Lukoil", "리학철"), ("Maria Schmidt", "山田太郎"), ("Wang", "王伟"),
])
def test_cjk_readings_keep_other_names_apart(latin: str, native: str) -> None:
    assert score(latin, native, "LegalEntity") < DEFAULT_THRESHOLD, (latin, native)


def test_japanese_names_and_companies() -> None:
    assert score("Taro Yamada", "山田太郎") >= DEFAULT_THRESHOLD
    assert score("Toyota Jidosha K.K.", "トヨタ自動車株式会社", "Company") >= DEFAULT_THRESHOLD
    assert "jp_kk" in analyze("トヨタ自動車株式会社", "org").legal_ids
    assert score("Sakura Jidosha K.K.", "トヨタ自動車株式会社", "Company") < DEFAULT_THRESHOLD


def test_hebrew_names_and_legal_form() -> None:
    assert "il_bm" in analyze('כהן תעשיות בע"מ', "org").legal_ids
    assert score("Cohen Taasiyot Ltd", 'כהן תעשיות בע"מ', "Company") >= DEFAULT_THRESHOLD
    assert score("Cohen Industries Ltd", 'כהן תעשיות בע"מ', "Company") >= DEFAULT_THRESHOLD
    assert score("Levi Industries Ltd", 'כהן תעשיות בע"מ', "Company") < DEFAULT_THRESHOLD
    for latin, native in [("David Cohen", "דוד כהן"), ("Yosef Goldberg", "יוסף גולדברג"),
                          ("Uri Shapira", "אורי שפירא"), ("Benjamin Netanyahu", "בנימין נתניהו")]:
        assert score(latin, native) >= DEFAULT_THRESHOLD, latin


def test_thai_and_burmese() -> None:
    assert score("Siam Charoen Co., Ltd.", "บริษัท สยาม เจริญ จำกัด", "Company") >= DEFAULT_THRESHOLD
    assert analyze("บริษัท สยาม เจริญ จำกัด", "org").legal_forms
    assert score("Krungthep Charoen Co., Ltd.", "บริษัท สยาม เจริญ จำกัด", "Company") < DEFAULT_THRESHOLD
    assert score("Min Aung Hlaing", "မင်းအောင်လှိုင်") >= DEFAULT_THRESHOLD
    assert score("Shwe Yadanar Company Limited", "ရွှေ ရတနာ ကုမ္ပဏီ လီမိတက်", "Company") >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("a,b", [
    ("Gazprom Neft", "Gazprom Oil"), ("Anadolu Sanayi A.S.", "Anadolu Industry A.S."),
    ("Volga Stroy", "Volga Construction"), ("Kama Torgovy Dom", "Kama Trading House"),
    ("Ural Promyshlennost", "Ural Industry"), ("Sibir Gaz", "Sibir Gas"),
    ("Toros Ticaret Ltd", "Toros Trading Ltd"),
])
def test_translated_generic_words_match(a: str, b: str) -> None:
    assert score(a, b, "Company") >= DEFAULT_THRESHOLD, (a, b)


@pytest.mark.parametrize("a,b", [
    ("Akdeniz Ticaret", "Karadeniz Trading"), ("Novak Neft", "Orlov Oil"),
    ("Golden Metal", "Golden Metals"),  # a translation table does not undo singular/plural
])
def test_translated_generic_words_keep_distinctive_words(a: str, b: str) -> None:
    assert score(a, b, "Company") < DEFAULT_THRESHOLD, (a, b)


def test_a_name_part_replaced_is_not_left_out() -> None:
    # the query has a part of its own where the listing has another: two people
    assert score("HANI ABD-AL-LATIF TILFAH AL-RAWI", "HANI ABD-AL-LATIF TILFAH AL-TIKRITI") < DEFAULT_THRESHOLD
    assert score("John Peter Harrington", "John Michael Harrington") < DEFAULT_THRESHOLD
    # a middle name left out still matches
    assert score("John Harrington", "John Michael Harrington") >= DEFAULT_THRESHOLD
    # a repeated name part is a part of its own
    assert score("ABDUL KABIR ABDUL JAN", "ABDUL KABIR MOHAMMAD JAN") < DEFAULT_THRESHOLD


def test_company_distinctions_beyond_the_name() -> None:
    same = score("Hollbrook Maschinen AG", "Hollbrook Maschinen AG", "Company")
    assert score("Hollbrook Maschinen AG", "Hollbrook Maschinen GmbH", "Company") <= same - 0.12
    assert score("Carrow Partners Fund", "Carrow Partners Fund II", "Company") < DEFAULT_THRESHOLD
    assert score("Carrow Partners Fund X", "Carrow Partners Fund XI", "Company") < DEFAULT_THRESHOLD
    assert score("Trade Bank of Chad", "Trade Bank of China", "Company") < DEFAULT_THRESHOLD
    assert score('ООО "БАЙ"', 'ООО "БАЙКАЛ"', "Company") < DEFAULT_THRESHOLD
    assert score("LIMITED LIABILIT COMPANY EMS EKSPERT", "LIMITED LIABILITY COMPANY EMS EKSPERT",
                 "Company") >= DEFAULT_THRESHOLD


def test_apostrophes_inside_words_and_initials() -> None:
    assert score("Al Qaeda", "Al Qa'ida", "Organization") >= DEFAULT_THRESHOLD
    assert score("Andrang Heta", "'Ndrangheta", "Organization") >= DEFAULT_THRESHOLD
    assert score("Путин В. В.", "Vladimir Vladimirovich Putin") >= 0.9
    assert score("N.N.", "Nursultan Nazarbayev") < DEFAULT_THRESHOLD


def test_two_words_written_as_one_inside_a_longer_name() -> None:
    assert score("MOHAMMAD HASNI HAJI ASAD KHAN", "HAJI ASAD KHAN MOHAMMADHASNI") >= DEFAULT_THRESHOLD
    assert score("Abdul Rahman Yusuf Al-Tamimi", "Abdulrahman Yusuf Al-Tamimi") >= DEFAULT_THRESHOLD
    # written together, two Chinese words still count as two name parts
    assert score("ZhongyuanNengyuan Co., Ltd.", "中远能源有限公司", "Company") >= DEFAULT_THRESHOLD


def test_a_name_written_in_two_scripts_is_one_name() -> None:
    assert score("Jin Tiesan", "Jin Tiesan (金铁三)") >= 0.95
    assert score("金铁三", "Jin Tiesan (金铁三)") >= 0.9
