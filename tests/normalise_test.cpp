// Tests for stage `normalise`: one table-driven TEST_CASE per category of
// the spec, each a list of written → spoken pairs written for these tests.
// Then: per-rule behaviour (a rule that matches nothing returns its input),
// the output contract (no ASCII digits, no controls, never "" for speakable
// input), table errors naming file and line, and long or odd input.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <string>
#include <utility>
#include <vector>

#include "normalise/normalise.hpp"
#include "text/data_dir.hpp"

namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;

const briefing::Normaliser& normaliser() {
    static const briefing::Normaliser n = briefing::Normaliser::load(briefing::text::data_dir());
    return n;
}

void check_all(const Cases& cases) {
    for (const auto& [written, spoken] : cases) {
        INFO("written: " << written);
        CHECK(normaliser()(written) == spoken);
    }
}

bool has_ascii_digit(const std::string& s) {
    for (char c : s)
        if (c >= '0' && c <= '9') return true;
    return false;
}

bool has_control(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7F) return true;
    return false;
}

}  // namespace

TEST_CASE("normalise: cardinals", "[normalise]") {
    check_all({
        {"7", "七"},
        {"10", "十"},
        {"16", "十六"},
        {"105", "一百零五"},
        {"110", "一百一十"},
        {"1,234,567", "一百二十三万四千五百六十七"},
        {"20000", "两万"},
        {"30005", "三万零五"},
        {"100000", "十万"},
        {"1000000001", "十亿零一"},
        {"4万", "四万"},
        {"6.8亿", "六点八亿"},
        {"共有37人", "共有三十七人"},
        {"0", "零"},
    });
}

TEST_CASE("normalise: two and liang", "[normalise]") {
    check_all({
        {"2个", "两个"},
        {"2本书", "两本书"},
        {"5张", "五张"},
        {"2张票", "两张票"},
        {"2位专家", "两位专家"},
        {"12个", "十二个"},
        {"22名", "二十二名"},
        {"第2", "第二"},
        {"第2名", "第二名"},
        {"2000人", "两千人"},
        {"2万", "两万"},
        {"2月", "二月"},
        {"2号", "二号"},
        {"2.5个", "二点五个"},
        {"2个月", "两个月"},
        {"2-3个", "两到三个"},
        {"2公里", "两公里"},
        {"2倍", "两倍"},
        {"凌晨2时", "凌晨两时"},
        {"9时2分", "九时二分"},
        {"初2", "初二"},
    });
}

TEST_CASE("normalise: decimals and signs", "[normalise]") {
    check_all({
        {"3.14", "三点一四"},
        {"0.5", "零点五"},
        {"0.05", "零点零五"},
        {"-3", "负三"},
        {"+5", "正五"},
        {"跌至-0.7", "跌至负零点七"},
        {"1.2.3版", "一点二点三版"},
    });
}

TEST_CASE("normalise: percent and permille", "[normalise]") {
    check_all({
        {"3.5%", "百分之三点五"},
        {"-2%", "负百分之二"},
        {"5‰", "千分之五"},
        {"增长７％", "增长百分之七"},
        {"100%", "百分之一百"},
        {"3-5%", "百分之三到五"},
        {"0.25%", "百分之零点二五"},
        {"8 %", "百分之八"},
    });
}

TEST_CASE("normalise: fractions", "[normalise]") {
    check_all({
        {"1/3", "三分之一"},
        {"2/5", "五分之二"},
        {"2又1/2", "二又二分之一"},
        {"3/2", "二分之三"},
        {"¾", "四分之三"},
        {"2022/3/8", "二零二二年三月八日"},
    });
}

TEST_CASE("normalise: years and dates", "[normalise]") {
    check_all({
        {"2021年", "二零二一年"},
        {"1998年", "一九九八年"},
        {"2021年11月24日", "二零二一年十一月二十四日"},
        {"2021-11-24", "二零二一年十一月二十四日"},
        {"2021/11/24", "二零二一年十一月二十四日"},
        {"2019.7.1", "二零一九年七月一日"},
        {"11月24日", "十一月二十四日"},
        {"90年代", "九十年代"},
        {"05年", "零五年"},
        {"'97年", "九七年"},
        {"80后", "八零后"},
        {"5000年历史", "五千年历史"},
        {"2020/21赛季", "二零二零到二零二一赛季"},
        {"5·12地震", "五一二地震"},
        {"30周年", "三十周年"},
        {"2021人", "两千零二十一人"},
    });
}

TEST_CASE("normalise: times and durations", "[normalise]") {
    check_all({
        {"10:30", "十点三十分"},
        {"08:05", "八点零五分"},
        {"10:30:15", "十点三十分十五秒"},
        {"2:30", "两点三十分"},
        {"19：00", "十九点"},
        {"3小时20分", "三小时二十分"},
        {"2小时", "两小时"},
        {"45分钟", "四十五分钟"},
        {"跑出9秒91", "跑出九秒九一"},
    });
}

TEST_CASE("normalise: ranges", "[normalise]") {
    check_all({
        {"3-5天", "三到五天"},
        {"2020—2025年", "二零二零到二零二五年"},
        {"2020年-2025年", "二零二零年到二零二五年"},
        {"10%~20%", "百分之十到百分之二十"},
        {"3万-5万", "三万到五万"},
        {"-5~-3℃", "零下五到零下三摄氏度"},
        {"9:00-17:30", "九点到十七点三十分"},
        {"6月-9月", "六月到九月"},
        {"15℃~22℃", "十五摄氏度到二十二摄氏度"},
        {"3km-8km", "三公里到八公里"},
    });
}

TEST_CASE("normalise: money", "[normalise]") {
    check_all({
        {"¥100", "一百元"},
        {"￥100", "一百元"},
        {"100元", "一百元"},
        {"3.5万元", "三点五万元"},
        {"$20", "二十美元"},
        {"5.2亿美元", "五点二亿美元"},
        {"€3", "三欧元"},
        {"US$5.2亿", "五点二亿美元"},
        {"$2", "两美元"},
        {"£1,500", "一千五百英镑"},
    });
}

TEST_CASE("normalise: units", "[normalise]") {
    check_all({
        {"5km", "五公里"},
        {"3kg", "三公斤"},
        {"25℃", "二十五摄氏度"},
        {"-5℃", "零下五摄氏度"},
        {"36.6°C", "三十六点六摄氏度"},
        {"100m²", "一百平方米"},
        {"60km/h", "六十公里每小时"},
        {"5G", "五G"},
        {"2kg", "两公斤"},
        {"3 min", "三分钟"},
        {"5 men", "五 men"},
    });
}

TEST_CASE("normalise: digit strings", "[normalise]") {
    check_all({
        {"13812345678", "幺三八幺二三四五六七八"},
        {"010-12345678", "零幺零幺二三四五六七八"},
        {"400-810-8888", "四零零八幺零八八八八"},
        {"拨打12345", "拨打幺二三四五"},
        {"邮编100080", "邮编幺零零零八零"},
        {"007", "零零七"},
        {"MH370", "M H三七零"},
        {"301室", "三零幺室"},
        {"96110热线", "九六幺幺零热线"},
        {"+86 13912345678", "加八六幺三九幺二三四五六七八"},
        {"139 1234 5678", "幺三九幺二三四五六七八"},
    });
}

TEST_CASE("normalise: ordinals and scores", "[normalise]") {
    check_all({
        {"第1名", "第一名"},
        {"第12届", "第十二届"},
        {"比分3:2", "比分三比二"},
        {"以2:1获胜", "以二比一获胜"},
        {"3:2", "三比二"},
        {"以98:95险胜", "以九十八比九十五险胜"},
        {"以4-1击败对手", "以四比一击败对手"},
        {"主队2-1领先", "主队二比一领先"},
        {"比例尺1∶2000", "比例尺一比两千"},
        {"No.1", "第一"},
        {"NO2", "N O二"},
    });
}

TEST_CASE("normalise: latin", "[normalise]") {
    check_all({
        {"GDP", "G D P"},
        {"APEC会议", "A P E C会议"},
        {"iPhone", "iPhone"},
        {"NASA", "NASA"},
        {"G20峰会", "G二十峰会"},
        {"COVID-19", "COVID 十九"},
        {"感染 SARS-2", "感染 SARS 二"},
        {"U.S.", "U S。"},
        {"Ｗｉｎｄｏｗｓ", "Windows"},
    });
}

TEST_CASE("normalise: symbols", "[normalise]") {
    check_all({
        {"1+1=2", "一加一等于二"},
        {"3×4", "三乘四"},
        {"±0.5", "正负零点五"},
        {"A&B", "A和B"},
        {"《人民日报》", "人民日报"},
        {"“你好”", "你好"},
        {"北京市·上海市", "北京市，上海市"},
        {"（记者 张三）", "记者张三"},
        {"#话题#", "话题"},
        {"30°", "三十度"},
        {"好～", "好"},
        {"№5", "第五"},
        {"你好，世界！", "你好，世界！"},
        {"问题：是否？", "问题：是否？"},
        {"Hello, world!", "Hello，world！"},
    });
}

TEST_CASE("normalise: forms", "[normalise]") {
    check_all({
        {"１２３", "一百二十三"},
        {"ＧＤＰ", "G D P"},
        {"這個國家", "这个国家"},
        {"測試：臺灣", "测试：台湾"},
        {"經濟增長５％", "经济增长百分之五"},
        {"a\x01" "b", "ab"},
        {"中\xff文", "中文"},
    });
}

TEST_CASE("normalise: every step returns its input when nothing matches", "[normalise]") {
    const std::string plain = "今天天气很好";
    for (const auto& name : briefing::Normaliser::rule_names()) {
        INFO("rule: " << name);
        CHECK(normaliser().apply_rule(name, plain) == plain);
    }
    CHECK_THROWS_AS(normaliser().apply_rule("no_such_rule", plain), std::invalid_argument);
}

TEST_CASE("normalise: single rules", "[normalise]") {
    const auto& n = normaliser();
    CHECK(n.apply_rule("dates", "2021年") == "二零二一年");
    CHECK(n.apply_rule("ranges", "3-5天") == "3到5天");
    CHECK(n.apply_rule("units", "5km") == "5公里");
    CHECK(n.apply_rule("latin", "GDP") == "G D P");
    CHECK(n.apply_rule("forms", "１２") == "12");
}

TEST_CASE("normalise: output contract on odd input", "[normalise]") {
    const auto& n = normaliser();
    CHECK(n("") == "");
    CHECK(n("%%%") == "");
    CHECK(n("\x01\x02") == "");
    CHECK_FALSE(n("5").empty());
    CHECK_FALSE(n("a").empty());
    CHECK_FALSE(n("...字").empty());

    // Random mixes of the characters the rules care about: no ASCII digit and
    // no control character may come out, and nothing may throw.
    const std::vector<std::string> pieces = {
        "1", "2", "0", ".", ",", "-", "~", "%", "/", ":", "：", "年", "月", "日", "个",
        "第", "$", "¥", "℃", "km", "G", "DP", "·", "，", "\x01", "\xff", "\xe4\xb8", "万",
        " ", "+", "−", "到", "比分", "No", "電話", "①", "²", "‰", "又", "后"};
    std::mt19937 rng(7);
    for (int it = 0; it < 20000; ++it) {
        std::string s;
        const int len = static_cast<int>(rng() % 24);
        for (int k = 0; k < len; ++k) s += pieces[rng() % pieces.size()];
        std::string out;
        REQUIRE_NOTHROW(out = n(s));
        INFO("written: " << s << " spoken: " << out);
        REQUIRE_FALSE(has_ascii_digit(out));
        REQUIRE_FALSE(has_control(out));
    }
}

TEST_CASE("normalise: one Normaliser serves many threads", "[normalise]") {
    const auto& n = normaliser();
    const std::vector<std::string> inputs = {"這個國家2021年GDP增長8.1%", "10:30在２号会议室",
                                             "¥3.5万", "比分3:2", "北京市·上海市"};
    std::vector<std::string> expected;
    for (const auto& in : inputs) expected.push_back(n(in));
    std::vector<int> wrong(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 300; ++round)
                for (std::size_t k = 0; k < inputs.size(); ++k)
                    if (n(inputs[k]) != expected[k]) ++wrong[t];
        });
    for (auto& th : threads) th.join();
    CHECK(wrong == std::vector<int>(4, 0));
}

TEST_CASE("normalise: long lines finish quickly", "[normalise]") {
    const auto& n = normaliser();
    for (const std::string unit : {"1", "2-", "1,", "1.", "1:", "1/", "第", "数字", "2021年，"}) {
        std::string s;
        while (s.size() < 150000) s += unit;
        const auto t0 = std::chrono::steady_clock::now();
        const std::string out = n(s);
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        INFO("unit: " << unit);
        CHECK(sec < 3.0);  // generous: Debug builds and a shared machine
        CHECK_FALSE(has_ascii_digit(out));
    }
}

TEST_CASE("normalise: bad tables are reported with file and line", "[normalise]") {
    namespace fs = std::filesystem;
    const fs::path src = briefing::text::data_dir() / "normalise";
    const fs::path dir = fs::temp_directory_path() / "briefing_normalise_test_data";
    fs::remove_all(dir);
    fs::create_directories(dir / "normalise");
    for (const auto& entry : fs::directory_iterator(src))
        fs::copy_file(entry.path(), dir / "normalise" / entry.path().filename());
    {
        std::ofstream out(dir / "normalise" / "units.tsv", std::ios::app);
        out << "# fine\nkm公里\n";  // no tab
    }
    try {
        (void)briefing::Normaliser::load(dir);
        FAIL("a malformed units.tsv loaded");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find("units.tsv:") != std::string::npos);
        CHECK(what.find("tab") != std::string::npos);
    }
    fs::remove(dir / "normalise" / "liang.txt");
    CHECK_THROWS_WITH(briefing::Normaliser::load(dir), Catch::Contains("liang.txt"));
    fs::remove_all(dir);
}
