// Batch runs as a user (or a scheduler) starts them: through the binary.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sndfile.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "batch/jobs.hpp"
#include "run_process.hpp"

using namespace briefing;
using briefing::test::run_briefing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return test::fresh_dir("briefing_batch_test", name); }

const char* const kTopics[] = {"港口", "铁路", "农场", "学校", "医院", "工厂", "书店", "公园", "剧院", "码头"};

// A small article of our own; `n` makes the title and text unique.
void write_article(const fs::path& file, int n) {
    fs::create_directories(file.parent_path());
    const std::string topic = kTopics[n % 10];
    std::ofstream(file) << "第" << n << "号简报：" << topic << "的新变化\n"
                        << topic << "今年新增了" << n + 2 << "个服务窗口。市民反映办事更方便了。\n"
                        << "负责人表示，下一步将继续改进工作。\n";
}

fs::path make_inbox(const std::string& name, int count) {
    const fs::path inbox = fresh_dir(name) / "inbox";
    for (int i = 1; i <= count; ++i) write_article(inbox / (i % 2 ? "a" : "b") / ("n" + std::to_string(i) + ".txt"), i);
    return inbox;
}

json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

// Every article folder under `out`: its manifest, checked against its files.
std::map<std::string, json> check_outputs(const fs::path& out) {
    std::map<std::string, json> manifests;
    for (const auto& e : fs::directory_iterator(out)) {
        const std::string name = e.path().filename().string();
        if (name[0] == '.') continue;
        REQUIRE(fs::exists(e.path() / "manifest.json"));
        const json m = read_json(e.path() / "manifest.json");
        for (const auto& s : m["sections"]) {
            SF_INFO info{};
            SNDFILE* f = sf_open((e.path() / s["file"].get<std::string>()).c_str(), SFM_READ, &info);
            REQUIRE(f);
            CHECK(static_cast<std::uint64_t>(info.frames) == s["samples"].get<std::uint64_t>());
            sf_close(f);
        }
        manifests[name] = m;
    }
    return manifests;
}

json batch_report(const fs::path& inbox, const fs::path& out, std::vector<std::string> extra = {}) {
    const fs::path report = out.parent_path() / "report.json";
    std::vector<std::string> args{"batch", inbox.string(), "-o", out.string(), "-q", "--report", report.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_briefing(args);
    INFO(r.err);
    REQUIRE((r.code == 0 || r.code == 6));
    return read_json(report);
}

}  // namespace

TEST_CASE("shard specs", "[batch]") {
    CHECK(parse_shard("3/8").index == 2);
    CHECK(parse_shard("3/8").count == 8);
    CHECK_THROWS_AS(parse_shard("0/8"), std::invalid_argument);
    CHECK_THROWS_AS(parse_shard("9/8"), std::invalid_argument);
    CHECK_THROWS_AS(parse_shard("x/8"), std::invalid_argument);
    ::setenv("SLURM_ARRAY_TASK_ID", "5", 1);
    ::setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
    ::setenv("SLURM_ARRAY_TASK_COUNT", "8", 1);
    CHECK(parse_shard("auto").index == 4);
    ::setenv("JOB_COMPLETION_INDEX", "2", 1);
    CHECK(parse_shard("auto/4").index == 2);
    CHECK(parse_shard("auto/4").count == 4);
}

TEST_CASE("shards split jobs with no overlap and no gap", "[batch]") {
    std::vector<Job> jobs;
    for (int i = 0; i < 200; ++i) jobs.push_back({"x", "inbox/" + std::to_string(i) + ".txt", "", std::nullopt});
    std::vector<int> taken(jobs.size(), 0);
    for (std::uint32_t k = 0; k < 8; ++k)
        for (std::size_t i = 0; i < jobs.size(); ++i) taken[i] += in_shard(jobs[i], {k, 8});
    for (int t : taken) CHECK(t == 1);
}

TEST_CASE("job discovery: folders recursively, job lists in order", "[batch]") {
    const fs::path inbox = make_inbox("discover", 3);
    std::ofstream(inbox / "notes.pdf") << "x";
    fs::create_directories(inbox / ".hidden");
    write_article(inbox / ".hidden" / "skip.txt", 9);
    const auto jobs = discover_jobs(inbox);
    REQUIRE(jobs.size() == 3);
    CHECK(jobs[0].key == "a/n1.txt");
    CHECK(jobs[2].key == "b/n2.txt");
    const fs::path list = inbox.parent_path() / "jobs.toml";
    std::ofstream(list) << "[defaults]\nvoice = \"female\"\n[[article]]\ninput = \"inbox/b/n2.txt\"\n"
                        << "[[article]]\ninput = \"inbox/a/n1.txt\"\nvoice = \"brisk\"\noutput = \"other\"\n";
    const auto listed = discover_jobs(list);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].key == "inbox/b/n2.txt");
    CHECK(listed[0].voice == "female");
    CHECK(listed[1].voice == "brisk");
    CHECK(listed[1].output == inbox.parent_path() / "other");
}

TEST_CASE("up-to-date articles are skipped and an edit re-synthesises one sentence", "[batch][espeak]") {
    const fs::path inbox = make_inbox("incremental", 4);
    const fs::path out = inbox.parent_path() / "out";
    const json first = batch_report(inbox, out, {"--jobs", "2"});
    CHECK(first["rendered"] == 4);
    const json again = batch_report(inbox, out);
    CHECK(again["rendered"] == 0);
    CHECK(again["up_to_date"] == 4);
    CHECK(again["cache"]["misses"] == 0);

    // Change one sentence of one article.
    const fs::path edited = inbox / "a" / "n1.txt";
    std::ifstream in(edited);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("办事更方便了"), std::string("办事更方便了").size(), "排队时间缩短了");
    std::ofstream(edited) << text;
    const json edit = batch_report(inbox, out);
    CHECK(edit["rendered"] == 1);
    CHECK(edit["up_to_date"] == 3);
    CHECK(edit["cache"]["misses"] == 1);
    CHECK(edit["cache"]["hits"].get<int>() >= 3);

    // --dry-run lists and changes nothing; --force renders all.
    const auto dry = run_briefing({"batch", inbox.string(), "-o", out.string(), "--dry-run", "--force", "-q"});
    CHECK(dry.code == 0);
    CHECK_THAT(dry.out, Catch::Contains("would render"));
    CHECK(batch_report(inbox, out, {"--force"})["rendered"] == 4);
    check_outputs(out);
}

TEST_CASE("a broken article is reported and the rest are rendered", "[batch][espeak]") {
    const fs::path inbox = make_inbox("broken", 3);
    std::ofstream(inbox / "bad.txt", std::ios::binary) << "标题\n\xff\xfe坏\n";
    const fs::path out = inbox.parent_path() / "out";
    const auto r = run_briefing({"batch", inbox.string(), "-o", out.string(), "--report",
                                 (inbox.parent_path() / "r.json").string()});
    CHECK(r.code == 6);
    CHECK_THAT(r.err, Catch::Contains("bad.txt: not valid UTF-8"));
    const json report = read_json(inbox.parent_path() / "r.json");
    CHECK(report["rendered"] == 3);
    CHECK(report["failed"] == 1);
    CHECK(check_outputs(out).size() == 3);
}

TEST_CASE("shards run as separate processes cover every article once", "[batch][espeak]") {
    const fs::path inbox = make_inbox("shards", 9);
    const fs::path out = inbox.parent_path() / "out";
    int total = 0;
    for (int k = 1; k <= 3; ++k) {
        const auto r = run_briefing({"batch", inbox.string(), "-o", out.string(), "--shard", std::to_string(k) + "/3",
                                     "--report", (inbox.parent_path() / "r.json").string(), "-q"});
        REQUIRE(r.code == 0);
        const json rep = read_json(inbox.parent_path() / "r.json");
        CHECK(rep["up_to_date"] == 0);  // no shard saw another's work as its own
        total += rep["rendered"].get<int>();
    }
    CHECK(total == 9);
    CHECK(check_outputs(out).size() == 9);
    CHECK(batch_report(inbox, out)["up_to_date"] == 9);  // the same as one run would have made
}

TEST_CASE("shards started together on one output folder run side by side", "[batch][espeak]") {
    const fs::path inbox = make_inbox("shards_together", 6);
    const fs::path out = inbox.parent_path() / "out";
    std::vector<pid_t> pids;
    for (int k = 1; k <= 3; ++k)
        pids.push_back(test::spawn_briefing(
            {"batch", inbox.string(), "-o", out.string(), "--shard", std::to_string(k) + "/3", "--jobs", "1"}));
    for (pid_t p : pids) CHECK(test::wait_briefing(p) == 0);
    CHECK(check_outputs(out).size() == 6);
}

TEST_CASE("staging left by a dead render is removed and a live one is kept", "[batch][espeak]") {
    const fs::path inbox = make_inbox("stale", 1);
    const fs::path out = inbox.parent_path() / "out";
    fs::create_directories(out / ".dead.tmp-somehost-1");               // no lock file: its owner is gone
    fs::create_directories(out / ".unlocked.tmp-somehost-2");
    std::ofstream(out / ".unlocked.tmp-somehost-2.lock") << "";        // a lock nobody holds
    fs::create_directories(out / ".live.tmp-somehost-3");
    const int fd = ::open((out / ".live.tmp-somehost-3.lock").c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(::flock(fd, LOCK_EX) == 0);                                 // held, as by a running render
    CHECK(batch_report(inbox, out)["rendered"] == 1);
    CHECK_FALSE(fs::exists(out / ".dead.tmp-somehost-1"));
    CHECK_FALSE(fs::exists(out / ".unlocked.tmp-somehost-2"));
    CHECK_FALSE(fs::exists(out / ".unlocked.tmp-somehost-2.lock"));
    CHECK(fs::exists(out / ".live.tmp-somehost-3"));
    ::close(fd);
}

TEST_CASE("two batches on one output folder: the second refuses at once", "[batch][espeak]") {
    const fs::path inbox = make_inbox("lock", 6);
    const fs::path out = inbox.parent_path() / "out";
    const pid_t first = test::spawn_briefing({"batch", inbox.string(), "-o", out.string(), "--jobs", "1"});
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    const auto second = run_briefing({"batch", inbox.string(), "-o", out.string()});
    const int first_code = test::wait_briefing(first);
    CHECK(first_code == 0);
    if (second.code != 0) {  // the first was still running: the lock must have said so
        CHECK(second.code == 4);
        CHECK_THAT(second.err, Catch::Contains("another briefing run"));
    }
    // --wait queues behind a running batch instead.
    const pid_t third = test::spawn_briefing({"batch", inbox.string(), "-o", out.string(), "--force"});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto waited = run_briefing({"batch", inbox.string(), "-o", out.string(), "--wait", "-q"});
    CHECK(waited.code == 0);
    CHECK(test::wait_briefing(third) == 0);
    check_outputs(out);
}

TEST_CASE("SIGKILL at any moment loses nothing finished and a re-run completes the rest", "[batch][espeak]") {
    const fs::path inbox = make_inbox("kill", 6);
    const fs::path out = inbox.parent_path() / "out";
    for (int round = 0; round < 20; ++round) {
        const pid_t pid = test::spawn_briefing({"batch", inbox.string(), "-o", out.string(), "--force", "--jobs", "2"});
        std::this_thread::sleep_for(std::chrono::milliseconds(15 * round));
        ::kill(pid, SIGKILL);  // its workers get SIGKILL from the kernel as their parent dies
        test::wait_briefing(pid);
        if (!fs::exists(out)) continue;
        // The workers hold the folder's lock until they are gone too: once we
        // can take it, nothing of that batch is still running.
        const int lock = ::open((out / ".briefing.lock").c_str(), O_RDWR | O_CREAT, 0644);
        REQUIRE(::flock(lock, LOCK_EX) == 0);
        ::close(lock);
        check_outputs(out);  // whatever is there is complete and valid
    }
    const json rep = batch_report(inbox, out, {"--wait"});
    CHECK(rep["failed"] == 0);
    CHECK(rep["rendered"].get<int>() + rep["up_to_date"].get<int>() == 6);
    CHECK(check_outputs(out).size() == 6);
    for (const auto& e : fs::directory_iterator(out))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("SIGTERM stops a batch cleanly with exit 143", "[batch][espeak]") {
    const fs::path inbox = make_inbox("term", 8);
    const fs::path out = inbox.parent_path() / "out";
    const pid_t pid = test::spawn_briefing({"batch", inbox.string(), "-o", out.string(), "--jobs", "2", "--no-cache"});
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, SIGTERM);
    const int code = test::wait_briefing(pid);
    CHECK((code == 143 || code == 0));  // 0 only if it finished first
    for (const auto& e : fs::directory_iterator(out))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    check_outputs(out);
}

TEST_CASE("a damaged cache entry is detected and rebuilt", "[batch][espeak]") {
    const fs::path inbox = make_inbox("cache", 1);
    const fs::path out = inbox.parent_path() / "out";
    CHECK(batch_report(inbox, out)["rendered"] == 1);
    int damaged = 0;
    for (const auto& e : fs::recursive_directory_iterator(out / ".cache")) {
        if (e.path().extension() != ".pcm" || damaged == 2) continue;
        std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(200);
        f.write("garbage!", 8);
        ++damaged;
    }
    REQUIRE(damaged == 2);
    const json rep = batch_report(inbox, out, {"--force"});
    CHECK(rep["rendered"] == 1);
    CHECK(rep["cache"]["corrupt"] == 2);
    CHECK(rep["cache"]["misses"] == 2);
    CHECK(batch_report(inbox, out, {"--force"})["cache"]["corrupt"] == 0);
}

TEST_CASE("render --jobs 2 gives the same sentences as one job", "[batch][espeak]") {
    const fs::path dir = fresh_dir("render_jobs");
    const auto one = run_briefing({"render", BRIEFING_TEST_INPUTS "/sample_article.txt", "-o",
                                   (dir / "one").string(), "-q", "--no-cache"});
    const auto two = run_briefing({"render", BRIEFING_TEST_INPUTS "/sample_article.txt", "-o",
                                   (dir / "two").string(), "-q", "--jobs", "2"});
    REQUIRE(one.code == 0);
    REQUIRE(two.code == 0);
    const auto a = check_outputs(dir / "one"), b = check_outputs(dir / "two");
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    const json& ma = a.begin()->second;
    const json& mb = b.begin()->second;
    REQUIRE(ma["sections"].size() == mb["sections"].size());
    for (std::size_t s = 0; s < ma["sections"].size(); ++s) {
        const auto& sa = ma["sections"][s]["sentences"];
        const auto& sb = mb["sections"][s]["sentences"];
        REQUIRE(sa.size() == sb.size());
        for (std::size_t i = 0; i < sa.size(); ++i) CHECK(sa[i]["spoken"] == sb[i]["spoken"]);
    }
    // With a warm cache, a re-render is byte-identical.
    const auto three = run_briefing({"render", BRIEFING_TEST_INPUTS "/sample_article.txt", "-o",
                                     (dir / "two").string(), "-q", "--jobs", "1"});
    REQUIRE(three.code == 0);
    const json mc = check_outputs(dir / "two").begin()->second;
    const std::string file = mb["sections"][0]["file"];
    CHECK(mc["sections"][0]["samples"] == mb["sections"][0]["samples"]);
}
