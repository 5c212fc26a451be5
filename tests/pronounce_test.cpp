// Tests for the pronounce stage: readings, polyphones, neutral tones, 一/不
// tone changes, surnames, erhua, the token invariants and the runs given to
// eSpeak NG. Every sentence here was written for these tests.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "pronounce/pronounce.hpp"
#include "text/data_dir.hpp"

namespace {

using briefing::Pronouncer;

const Pronouncer& pron() {
    static const Pronouncer p = Pronouncer::load(briefing::text::data_dir());
    return p;
}

// han_pinyin of a line, space-joined.
std::string pinyin(const std::string& line) {
    std::string out;
    for (const auto& s : pron().han_pinyin(line)) out += (out.empty() ? "" : " ") + s;
    return out;
}

// The reading of the n-th Han character (0-based) of a line.
std::string reading_at(const std::string& line, std::size_t n) {
    auto all = pron().han_pinyin(line);
    return n < all.size() ? all[n] : "<none>";
}

struct Case {
    const char* line;
    std::size_t han_index;
    const char* expected;
};

void check_cases(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        INFO(c.line << " (Han character " << c.han_index << "): " << pinyin(c.line));
        CHECK(reading_at(c.line, c.han_index) == c.expected);
    }
}

std::string runs_text(const std::string& line) {
    std::string out;
    for (const auto& r : briefing::speech_runs(pron().tokens(line)))
        out += std::string(r.english ? "[en]" : "[zh]") + r.text + "|";
    return out;
}

}  // namespace

TEST_CASE("pronounce: whole words read as the lexicon says", "[pronounce]") {
    struct W {
        const char* word;
        const char* expected;
    };
    const std::vector<W> words = {
        {"首都", "shou3 du1"},   {"市长", "shi4 zhang3"}, {"重塑", "chong2 su4"}, {"不断", "bu2 duan4"},
        {"长城", "chang2 cheng2"}, {"银行", "yin2 hang2"}, {"行走", "xing2 zou3"}, {"重要", "zhong4 yao4"},
        {"一定", "yi2 ding4"},   {"一直", "yi4 zhi2"},    {"第一", "di4 yi1"},    {"了解", "liao3 jie3"},
        {"好了", "hao3 le5"},    {"综合", "zong1 he2"},   {"绿色", "lv4 se4"},    {"女儿", "nv3 er2"},
        // Taiwan readings in terra_pinyin, corrected to mainland ones
        {"档案", "dang4 an4"},   {"星期", "xing1 qi1"},   {"危险", "wei1 xian3"}, {"试卷", "shi4 juan4"},
        {"一匹马", "yi4 pi3 ma3"}, {"研究", "yan2 jiu1"},
    };
    for (const auto& w : words) {
        INFO(w.word);
        CHECK(pinyin(w.word) == w.expected);
    }
}

TEST_CASE("pronounce: polyphones follow their context", "[pronounce]") {
    check_cases({
        {"这条小河非常长。", 5, "chang2"},
        {"孩子们都长大了。", 4, "zhang3"},
        {"她在一家银行上班。", 5, "hang2"},
        {"路边的行人很多。", 3, "xing2"},
        {"我们重新开始吧。", 2, "chong2"},
        {"这次比赛很重要。", 5, "zhong4"},
        {"他每天弹钢琴。", 3, "tan2"},
        {"士兵带着子弹。", 5, "dan4"},
        {"大家都到了。", 2, "dou1"},
        {"他了解这件事。", 1, "liao3"},
        {"我们的市长来了。", 3, "shi4"},
        {"他长得很高。", 1, "zhang3"},
        {"她是银行行长。", 4, "hang2"},
        {"她是银行行长。", 5, "zhang3"},
        {"他高兴地说。", 3, "de5"},   // adverbial particle
        {"这块地很大。", 2, "di4"},   // ground
        {"大家都很高兴。", 5, "xing4"},
        {"新兴产业。", 1, "xing1"},   // mainland, not terra's xing4
    });
}

TEST_CASE("pronounce: neutral tones on particles and suffixes", "[pronounce]") {
    check_cases({
        {"我们出发。", 1, "men5"},
        {"他的书包。", 1, "de5"},
        {"她吃完饭了。", 4, "le5"},
        {"你在想什么？", 4, "me5"},
        {"屋里的桌子很旧。", 4, "zi5"},
        {"他笑着点头。", 2, "zhe5"},
        {"你去吗？", 2, "ma5"},
    });
}

TEST_CASE("pronounce: 一 and 不 change tone before the next syllable", "[pronounce]") {
    check_cases({
        {"我一定参加。", 1, "yi2"},        // before tone 4
        {"他一直在等。", 1, "yi4"},        // before tone 2
        {"她得了第一。", 4, "yi1"},        // ordinal
        {"一起走吧。", 0, "yi4"},          // before tone 3
        {"买了一个苹果。", 2, "yi2"},      // 个 is tone 4
        {"一共十一个人。", 3, "yi1"},      // in a number
        {"让我看一看。", 3, "yi5"},        // between repeated verbs
        {"工作不断进步。", 2, "bu2"},      // before tone 4
        {"这不是我的。", 1, "bu2"},
        {"天气不好。", 2, "bu4"},          // before tone 3
        {"他不来。", 1, "bu4"},            // before tone 2
        {"你去不去？", 2, "bu5"},          // A-not-A question
    });
}

TEST_CASE("pronounce: surnames read as surnames at the start of a name", "[pronounce]") {
    check_cases({
        {"单先生今天到了。", 0, "shan4"},
        {"曾教授发表了文章。", 0, "zeng1"},
        {"这位老师姓解。", 5, "xie4"},
        {"区老师在上课。", 0, "ou1"},
        {"仇先生来了。", 0, "qiu2"},
        {"诸葛亮是古人。", 1, "ge3"},
        // the same characters in ordinary words keep their usual readings
        {"这是一张单子。", 4, "dan1"},
        {"我曾经去过。", 1, "ceng2"},
        {"问题解决了。", 2, "jie3"},
    });
}

TEST_CASE("pronounce: written erhua joins the syllable before it", "[pronounce]") {
    CHECK(reading_at("我们在这儿等。", 4) == "r");
    CHECK(runs_text("我们在这儿等。") == "[zh]wo3 men5 zai4 zher4 deng3 .|");
    CHECK(runs_text("喝一点儿水。") == "[zh]he1 yi4 dianr3 shui3 .|");
    // 儿 inside a word or at the start is a full syllable.
    CHECK(reading_at("他的女儿很好。", 3) == "er2");
    CHECK(reading_at("儿童节快乐。", 0) == "er2");
}

TEST_CASE("pronounce: token texts concatenate to the input exactly", "[pronounce]") {
    const std::vector<std::string> inputs = {
        "",
        "首都，北京。",
        "他用iPhone查了G D P数据。",
        "“你好！”他说……",
        "  空格\t和制表符\n",
        std::string("坏\xff\xfe字节\xe4\xb8"),  // invalid UTF-8 and a cut-off sequence
        std::string("控制\x01字符\x7f"),
        "😀表情🙂符号",
        "only English words here",
    };
    for (const auto& in : inputs) {
        std::string all;
        for (const auto& t : pron().tokens(in)) all += t.text;
        CHECK(all == in);
    }
}

TEST_CASE("pronounce: tokens: one per Han character, Latin words whole", "[pronounce]") {
    auto toks = pron().tokens("看G D P和iPhone。");
    REQUIRE(toks.size() == 9);
    CHECK(toks[0].text == "看");
    CHECK(toks[0].pinyin == "kan4");
    CHECK(toks[0].lang.empty());
    CHECK(toks[1].text == "G");
    CHECK(toks[1].lang == "en");
    CHECK(toks[2].text == " ");
    CHECK(toks[2].lang.empty());
    CHECK(toks[5].text == "P");
    CHECK(toks[7].text == "iPhone");
    CHECK(toks[7].lang == "en");
    CHECK(toks[7].pinyin.empty());
    CHECK(toks[8].text == "。");
    CHECK(toks[8].pinyin.empty());
    CHECK(toks[8].lang.empty());
}

TEST_CASE("pronounce: speech runs: pinyin with ASCII pauses, English on its own", "[pronounce]") {
    CHECK(runs_text("首都，北京。") == "[zh]shou3 du1 , bei3 jing1 .|");
    CHECK(runs_text("真的吗？好！") == "[zh]zhen1 de5 ma5 ? hao3 !|");
    CHECK(runs_text("《新闻》说：“绿色”。") == "[zh]xin1 wen2 shuo1 , lv4 se4 .|");
    CHECK(runs_text("他用iPhone看G D P。") == "[zh]ta1 yong4|[en]iPhone|[zh]kan4|[en]G D P .|");
    CHECK(runs_text("在Zürich喝café。") == "[zh]zai4|[en]Zürich|[zh]he1|[en]café .|");
    CHECK(runs_text("，，。") == "");  // nothing to say: no empty or pause-only runs
    CHECK(runs_text("").empty());
    // Nothing that could be an eSpeak control reaches a run.
    for (const auto& r : briefing::speech_runs(pron().tokens(std::string("好\x01" "5S好")))) {
        for (char c : r.text) CHECK(static_cast<unsigned char>(c) >= 0x20);
    }
}

TEST_CASE("pronounce: han_pinyin skips other characters and marks unknown ones", "[pronounce]") {
    CHECK(pinyin("A首都1") == "shou3 du1");
    // U+3134A (CJK Extension G) has no reading in the lexicon.
    CHECK(pinyin("\xF0\xB1\x8D\x8A") == "?");
    CHECK(pinyin("天\xF0\xB1\x8D\x8A天") == "tian1 ? tian1");
}

TEST_CASE("pronounce: lexicon load errors name the file", "[pronounce]") {
    namespace fs = std::filesystem;
    auto dir = fs::temp_directory_path() / "briefing_pronounce_test_missing";
    fs::remove_all(dir);
    fs::create_directories(dir);
    CHECK_THROWS_WITH(Pronouncer::load(dir), Catch::Contains((dir / "lexicon.bin").string()));

    std::ofstream(dir / "lexicon.bin") << "this is not a compiled lexicon, just some text";
    CHECK_THROWS_WITH(Pronouncer::load(dir), Catch::Contains((dir / "lexicon.bin").string()));
    fs::remove_all(dir);
}

TEST_CASE("pronounce: long and odd input neither hangs nor crashes", "[pronounce]") {
    std::string line;
    const std::string piece = "经济发展不断加快，一行人走进银行。";
    while (line.size() < 150000) line += piece;  // about 50,000 characters, no break
    auto start = std::chrono::steady_clock::now();
    auto toks = pron().tokens(line);
    auto runs = briefing::speech_runs(toks);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(secs < 2.0);
    CHECK(!runs.empty());

    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
    std::string all;
    for (const auto& t : pron().tokens(junk)) all += t.text;
    CHECK(all == junk);
}
